package dev.lofilora.tensor;

import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One memory-mapped safetensors file.
 *
 * <p>{@link #open} validates the whole header first (see {@link SafetensorsHeader}: size cap, UTF-8 JSON object,
 * known dtypes, shape and byte counts consistent with overflow checks, offsets tiling the data buffer up to the end of
 * the file, flat string {@code __metadata__}, no duplicate keys) and only then maps the file, read-only and private
 * ({@code torch.from_file(path, shared=false)}: libtorch's own {@code MapAllocator}), as one uint8 tensor.
 *
 * <p>{@link #tensor} returns a CPU tensor that is a <b>zero-copy view</b> of the mapping ({@code narrow} to the byte
 * range, {@code view(dtype)}, {@code view(shape)}) when the absolute file offset of the tensor is a multiple of its
 * element size — always the case for files written by the reference writer or {@link SafetensorsWriter}. Otherwise
 * (a misaligned file from some other writer) it returns a copy. Views are backed by a private mapping: writing into
 * one never reaches the file, but changes what later views of the same bytes see in this process — clone before
 * modifying in place. Zero-size tensors are fresh empty tensors. Data is little-endian, which is this platform's order
 * (linux-x86_64). A BOOL tensor whose bytes are not all 0 or 1 is refused ({@link SafetensorsException}) when read.
 *
 * <p>The file must not be modified or truncated while it is mapped: as with any memory-mapped file, a page that
 * disappears under a view makes the process fail (SIGBUS) on access.
 *
 * <p>The views hold their own reference to the mapped storage, so they stay valid after {@link #close()}; the file is
 * unmapped when the last of them is freed. Reading from several threads is safe; {@code close} must not race reads.
 */
public final class SafetensorsFile implements TensorSource {
    private final Path path;
    private final SafetensorsHeader header;
    private final List<String> names;
    private final Tensor mapped;
    private volatile boolean closed;

    private SafetensorsFile(Path path, SafetensorsHeader header, Tensor mapped) {
        this.path = path;
        this.header = header;
        this.names = List.copyOf(header.tensors.keySet());
        this.mapped = mapped;
    }

    /** Validates the header of {@code file} and memory-maps it. Throws {@link SafetensorsException} on any problem. */
    public static SafetensorsFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SafetensorsException(file, Files.exists(file) ? "is not a regular file" : "does not exist",
                    "give the path of a .safetensors file");
        }
        SafetensorsHeader header = SafetensorsHeader.read(file);
        Tensor mapped;
        try {
            mapped = torch.from_file(file.toAbsolutePath().toString(), new BoolOptional(false),
                    new LongOptional(header.fileLength),
                    new TensorOptions().dtype(new ScalarTypeOptional(ScalarType.Byte)));
        } catch (RuntimeException e) {
            // e.g. the file shrank between the header check and the mapping, or mmap failed
            throw new SafetensorsException(file, "cannot be memory-mapped: " + e.getMessage(),
                    "check that the file is not being written or truncated by another process", e);
        }
        // Own one reference: a PointerScope the caller happens to be in must not free the mapping under us.
        mapped.retainReference();
        return new SafetensorsFile(file, header, mapped);
    }

    /** The path this file was opened from. */
    public Path path() { return path; }

    /** Absolute file offset of the data buffer ({@code 8 + header length}). */
    public long dataStart() { return header.dataStart(); }

    /** The data pointer address of the mapped file (for checking that views are zero-copy). */
    public long mappedAddress() {
        checkOpen();
        return mapped.data_ptr().address();
    }

    /** Length of the mapped file in bytes. */
    public long fileLength() { return header.fileLength; }

    @Override
    public List<String> names() { return names; }

    @Override
    public boolean contains(String name) { return header.tensors.containsKey(name); }

    @Override
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors.get(name);
        if (info == null) {
            throw new SafetensorsException(path, "has no tensor named \"" + name + "\" (it holds " + names.size()
                    + " tensors" + (names.isEmpty() ? "" : ", e.g. \"" + names.get(0) + "\"") + ")",
                    "check the tensor name against the file");
        }
        return info;
    }

    /** Whether {@link #tensor} of this name returns a zero-copy view (its absolute offset is element-aligned). */
    public boolean isZeroCopy(String name) {
        TensorInfo info = info(name);
        return info.byteSize() > 0 && (header.dataStart() + info.begin()) % info.dtype().byteSize() == 0;
    }

    @Override
    public Tensor tensor(String name) {
        TensorInfo info = info(name);
        checkOpen();
        long[] shape = info.shape();
        ScalarType type = info.dtype().scalarType();
        if (info.byteSize() == 0) {
            return torch.zeros(shape, new TensorOptions().dtype(new ScalarTypeOptional(type)));
        }
        try (Tensor bytes = mapped.narrow(0, header.dataStart() + info.begin(), info.byteSize())) {
            if (info.dtype() == DType.BOOL) checkBool(name, bytes);
            if (isZeroCopy(name)) {
                try (Tensor typed = bytes.view(type)) {
                    return typed.view(shape);
                }
            }
            // Misaligned: view(dtype) needs an element-aligned storage offset, so copy into fresh (aligned) memory.
            try (Tensor copy = bytes.clone(); Tensor typed = copy.view(type)) {
                return typed.view(shape);
            }
        }
    }

    /** A bool byte other than 0 or 1 is undefined behaviour in libtorch's kernels, so refuse it here. */
    private void checkBool(String name, Tensor bytes) {
        try (Tensor max = bytes.max()) {
            long m = (long) max.item_double();
            if (m > 1) {
                throw new SafetensorsException(path, "tensor \"" + name + "\" is BOOL but holds the byte value " + m
                        + " (BOOL bytes must be 0 or 1)", "the file is damaged or was written wrongly; re-export it");
            }
        }
    }

    @Override
    public Map<String, String> metadata() { return header.metadata; }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            mapped.releaseReference();
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException(path + " is closed");
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + names.size() + " tensors]";
    }
}
