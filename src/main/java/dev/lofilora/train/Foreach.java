package dev.lofilora.train;

import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorType;
import org.bytedeco.pytorch.Type;

import java.util.List;

/**
 * ATen's multi-tensor {@code _foreach_*} ops, which the Java presets do not expose as methods: called boxed through
 * the dispatcher (javacpp_stack.md §1). They are what PyTorch's Python AdamW and {@code clip_grad_norm_} use on CUDA
 * by default; on the CPU ATen runs them as a loop of the single-tensor op, so the numbers are those of the per-tensor
 * form either way (asserted by the optimiser tests). One boxed call replaces hundreds of JNI calls per step.
 */
final class Foreach {
    private static final Dispatcher DISPATCHER = Dispatcher.singleton();
    private static final OperatorHandle MUL = op("aten::_foreach_mul_", "Scalar");
    private static final OperatorHandle LERP = op("aten::_foreach_lerp_", "Scalar");
    private static final OperatorHandle ADDCMUL = op("aten::_foreach_addcmul_", "Scalar");
    private static final OperatorHandle ADDCDIV = op("aten::_foreach_addcdiv_", "Scalar");
    private static final OperatorHandle SQRT = op("aten::_foreach_sqrt", "");
    private static final OperatorHandle DIV = op("aten::_foreach_div_", "Scalar");
    private static final OperatorHandle ADD = op("aten::_foreach_add_", "Scalar");

    private Foreach() {}

    /**
     * A static handle must outlive whatever PointerScope is open when this class initialises (the first optimiser
     * step runs inside the step's scope, which would free it on close).
     */
    private static OperatorHandle op(String name, String overload) {
        OperatorHandle h = DISPATCHER.findSchemaOrThrow(name, overload);
        h.retainReference();
        return h;
    }

    /** A TensorList IValue ({@code new IValue(TensorVector)} would bind to the Blob overload and fail). */
    static IValue list(List<Tensor> tensors) {
        GenericList gl = new GenericList(new Type.TypePtr(TensorType.get()));
        gl.reserve(tensors.size());
        for (Tensor t : tensors) gl.push_back(new IValue(t));
        return new IValue(gl);
    }

    static void mul(IValue self, double s) { MUL.callBoxed(new IValueVector(self, new IValue(new Scalar(s)))); }

    static void lerp(IValue self, IValue end, double w) {
        LERP.callBoxed(new IValueVector(self, end, new IValue(new Scalar(w))));
    }

    static void addcmul(IValue self, IValue a, IValue b, double v) {
        ADDCMUL.callBoxed(new IValueVector(self, a, b, new IValue(new Scalar(v))));
    }

    static void addcdiv(IValue self, IValue a, IValue b, double v) {
        ADDCDIV.callBoxed(new IValueVector(self, a, b, new IValue(new Scalar(v))));
    }

    static IValue sqrt(IValue self) {
        IValueVector stack = new IValueVector(self);
        SQRT.callBoxed(stack);
        return stack.get(0);
    }

    static void div(IValue self, double s) { DIV.callBoxed(new IValueVector(self, new IValue(new Scalar(s)))); }

    static void add(IValue self, double s) { ADD.callBoxed(new IValueVector(self, new IValue(new Scalar(s)))); }
}
