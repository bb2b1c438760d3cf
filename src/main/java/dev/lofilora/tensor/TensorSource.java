package dev.lofilora.tensor;

import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.Map;

/**
 * A read-only collection of named tensors (one safetensors file, or a sharded checkpoint). Tensors come back as CPU
 * tensors; see the implementation for whether they share memory with the file.
 */
public interface TensorSource extends AutoCloseable {
    /** The tensor names, in the order of the data in the file (by data offset; shards in index order). */
    List<String> names();

    /** Whether a tensor of this name exists. */
    boolean contains(String name);

    /** The header entry of a tensor; throws {@link SafetensorsException} when there is no tensor of that name. */
    TensorInfo info(String name);

    /**
     * The tensor as a CPU tensor of its stored dtype and shape. Throws {@link SafetensorsException} when there is no
     * tensor of that name, {@link IllegalStateException} after {@link #close()}.
     */
    org.bytedeco.pytorch.Tensor tensor(String name);

    /** The file's {@code __metadata__} (string to string; empty when absent). */
    Map<String, String> metadata();

    /**
     * Releases this source's handle on the file mapping. Tensors already returned stay valid: they hold their own
     * reference to the mapped storage, which is unmapped when the last of them is freed.
     */
    @Override
    void close();

    /** The tensor, or {@code null} when absent (a convenience for optional entries). */
    default Tensor tensorOrNull(String name) {
        return contains(name) ? tensor(name) : null;
    }
}
