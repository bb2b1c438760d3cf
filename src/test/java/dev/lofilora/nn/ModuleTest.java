package dev.lofilora.nn;

import dev.lofilora.common.LofiException;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModuleTest {
    static final Device CPU = new Device(torch.DeviceType.CPU);

    /** Mirrors a tiny reference tree: a Sequential(SiLU, Linear) and a nested block with a buffer. */
    static final class Block extends Module {
        final Linear proj = module("proj", new Linear(4, 3, true));
        final Parameter table = parameter("table", 2, 3);
        final ModuleList<Module> tBlock = module("t_block", ModuleList.of(new NoParams("silu"), new Linear(3, 6, false)));
        final Parameter steps = buffer("steps", torch.zeros(1), true);
    }

    @Test
    void namesFollowPyTorchOrderAndCountWithoutAllocating() {
        try (Block b = new Block()) {
            assertEquals(List.of("table", "proj.weight", "proj.bias", "t_block.1.weight"),
                    List.copyOf(b.namedParameters().keySet()));
            assertEquals(List.of("table", "steps", "proj.weight", "proj.bias", "t_block.1.weight"),
                    List.copyOf(b.stateDict().keySet()));
            assertEquals(6 + 12 + 3 + 18, b.parameterCount());
            assertTrue(b.proj.weight.value().is_meta(), "built on meta: nothing allocated");
            assertEquals(List.of("", "proj", "t_block", "t_block.0", "t_block.1"), List.copyOf(b.namedModules().keySet()));
        }
    }

    @Test
    void loadsByNameAndReportsMissingUnexpectedAndMismatched() {
        try (Block b = new Block()) {
            Map<String, Tensor> sd = new LinkedHashMap<>();
            sd.put("table", torch.ones(2, 3));
            sd.put("proj.weight", torch.ones(4, 3)); // transposed: mismatch
            sd.put("proj.bias", torch.ones(3));
            sd.put("extra", torch.ones(1));
            LoadReport r = b.loadStateDict(sd, false);
            assertEquals(List.of("proj.weight", "steps", "t_block.1.weight"),
                    concat(r.missing(), r.shapeMismatches().stream().map(s -> s.substring(0, s.indexOf(':'))).toList()));
            assertEquals(List.of("extra"), r.unexpected());
            assertEquals(2, r.loaded());
            assertFalse(b.table.value().is_meta());
            assertEquals(6.0, b.table.value().sum().item_double(), 0);
            assertThrows(LofiException.class, () -> b.loadStateDict(sd, true));
        }
    }

    @Test
    void linearForwardMatchesHandComputation() {
        try (Linear l = new Linear(2, 1, true)) {
            Map<String, Tensor> sd = new LinkedHashMap<>();
            sd.put("weight", torch.ones(1, 2).mul(new org.bytedeco.pytorch.Scalar(2.0)));
            sd.put("bias", torch.ones(1).mul(new org.bytedeco.pytorch.Scalar(0.5)));
            assertTrue(l.loadStateDict(sd, true).clean());
            Tensor y = l.forward(torch.ones(3, 2));
            assertArrayEquals(new long[] {3, 1}, y.sizes().vec().get());
            assertEquals(4.5, y.get(0).item_double(), 1e-6);
            l.to(CPU, ScalarType.BFloat16);
            // JavaCPP hands out fresh enum instances: compare interned values
            assertEquals(ScalarType.BFloat16, l.weight.value().scalar_type().intern());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        var out = new java.util.ArrayList<>(a);
        out.addAll(b);
        java.util.Collections.sort(out);
        return out;
    }
}
