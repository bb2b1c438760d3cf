package dev.lofilora.tensor.pickle;

import dev.lofilora.tensor.DType;

/**
 * A torch storage named by a checkpoint's persistent id: its record key ({@code data/<key>} in the zip, or the
 * legacy format's storage key), element type, element count and saved location ("cpu", "cuda:0").
 */
public record StorageRef(String key, DType dtype, long numel, String location) {
    /** Size in bytes. */
    public long nbytes() { return Math.multiplyExact(numel, (long) dtype.byteSize()); }
}
