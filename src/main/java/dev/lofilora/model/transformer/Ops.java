package dev.lofilora.model.transformer;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.function.Supplier;

/** Small tensor helpers shared by the transformer's modules (package-private on purpose). */
final class Ops {
    private Ops() {}

    static TensorOptions options(ScalarType dtype, Device device) {
        return new TensorOptions().dtype(new ScalarTypeOptional(dtype)).device(new DeviceOptional(device));
    }

    static Scalar s(double v) { return new Scalar(v); }

    /** dtype equality by value (JavaCPP enums are not identity-comparable). */
    static boolean sameType(Tensor t, ScalarType type) { return t.scalar_type().value == type.value; }

    /** {@code t} in {@code type}; the same handle's tensor when it already is (a new Java handle either way). */
    static Tensor as(Tensor t, ScalarType type) {
        return sameType(t, type) ? t.alias() : t.to(type);
    }

    /**
     * Runs {@code body} in its own {@code PointerScope} ({@link dev.lofilora.nn.Scoped#run}) so every temporary it creates is freed when it returns,
     * except the result, which moves to the caller's scope (or, without one, is owned by the caller). With
     * {@code scoped} false it simply runs {@code body}: capture runs keep their recorded handles alive that way.
     */
    static Tensor scoped(boolean scoped, Supplier<Tensor> body) {
        return scoped ? dev.lofilora.nn.Scoped.run(body) : body.get();
    }
}
