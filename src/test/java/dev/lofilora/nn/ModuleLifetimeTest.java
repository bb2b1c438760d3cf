package dev.lofilora.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The two traps a training loop hits: a per-step scope freeing parameters, and moves dropping requires_grad. */
class ModuleLifetimeTest {
    static final Device CPU = new Device(torch.DeviceType.CPU);

    @Test
    void parametersMaterialisedInsideAPointerScopeOutliveIt() {
        Linear l;
        try (PointerScope scope = new PointerScope()) {
            l = new Linear(3, 2, true);
            l.loadStateDict(Map.of("weight", torch.ones(2, 3), "bias", torch.zeros(2)), true);
        }
        // Before the fix the scope freed the weight: address 0 / a crash on use.
        assertFalse(l.weight.value().isNull(), "the weight survived the scope that created it");
        try (PointerScope scope = new PointerScope()) {
            assertEquals(3.0, l.forward(torch.ones(1, 3)).sum().item_double() / 2, 0);
        }
        l.close();
        assertTrue(l.weight.value().isNull(), "close() released the slot's reference");
    }

    @Test
    void toAndMaterializeKeepRequiresGrad() {
        try (Linear l = new Linear(3, 2, false)) {
            l.requiresGrad(true);
            l.materialize(CPU, ScalarType.Float);
            assertTrue(l.weight.requiresGrad(), "materialize keeps requires_grad");
            Tensor before = l.weight.value();
            l.to(CPU, ScalarType.Double);
            assertNotSame(before, l.weight.value(), "a dtype move swaps the tensor");
            assertTrue(l.weight.requiresGrad(), "to() keeps requires_grad");
            assertTrue(l.weight.value().is_leaf(), "the moved weight is a leaf an optimiser can step");
            Tensor y = l.forward(torch.ones(1, 3).to(ScalarType.Double)).sum();
            y.backward();
            assertTrue(l.weight.value().grad().defined(), "gradient reaches the moved weight");
        }
    }
}
