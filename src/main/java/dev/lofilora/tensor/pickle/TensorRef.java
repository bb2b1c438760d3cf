package dev.lofilora.tensor.pickle;

import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a view of a storage (offset, shape and strides in
 * elements). Nothing is read until the checkpoint materialises it.
 */
public record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride, boolean requiresGrad) {
    public TensorRef {
        shape = shape.clone();
        stride = stride.clone();
    }

    @Override public long[] shape() { return shape.clone(); }

    @Override public long[] stride() { return stride.clone(); }

    public long numel() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** One past the last storage element the view touches (0 for an empty tensor). */
    long extent() {
        if (numel() == 0) return 0;
        long last = offset;
        for (int i = 0; i < shape.length; i++) last += (shape[i] - 1) * stride[i];
        return last + 1;
    }

    @Override
    public String toString() {
        return storage.dtype().safetensorsName() + Arrays.toString(shape) + " view of storage " + storage.key()
                + " (offset " + offset + ", stride " + Arrays.toString(stride) + ")";
    }
}
