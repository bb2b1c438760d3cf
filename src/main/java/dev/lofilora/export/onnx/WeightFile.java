package dev.lofilora.export.onnx;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The external-data file of one ONNX graph (research onnx_export.md §2D): tensors are appended as they are added to
 * the graph, so a model larger than protobuf's 2 GB limit is streamed to disk one tensor at a time and never held in
 * memory whole. Offsets of tensors of 4 KiB or more are aligned to 4096 (so ONNX Runtime can memory-map them), of
 * smaller ones to 64 bytes. Not thread-safe.
 */
final class WeightFile implements AutoCloseable {
    static final int PAGE = 4096;
    private static final int SMALL_ALIGN = 64;
    private static final int CHUNK = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private long position;

    WeightFile(Path path) {
        this.path = path;
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    Path path() { return path; }

    /** Bytes written so far (the file's length). */
    long length() { return position; }

    /** Appends the bytes of a contiguous CPU tensor; returns its offset. */
    long append(Tensor contiguousCpu) {
        long n = contiguousCpu.nbytes();
        BytePointer p = new BytePointer(contiguousCpu.data_ptr()).capacity(n);
        long offset = align(n);
        try {
            for (long pos = 0; pos < n; pos += CHUNK) {
                int len = (int) Math.min(CHUNK, n - pos);
                ByteBuffer b = p.position(pos).limit(pos + len).asByteBuffer();
                writeFully(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
        return offset;
    }

    /** Appends {@code bytes}; returns their offset. */
    long append(byte[] bytes) {
        long offset = align(bytes.length);
        try {
            writeFully(ByteBuffer.wrap(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
        return offset;
    }

    private long align(long n) {
        int a = n >= PAGE ? PAGE : SMALL_ALIGN;
        long aligned = (position + a - 1) / a * a;
        if (aligned > position) {
            try {
                writeFully(ByteBuffer.allocate((int) (aligned - position)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
            }
        }
        return aligned;
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) position += channel.write(b);
    }

    @Override
    public void close() {
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + path + ": " + e.getMessage(), e);
        }
    }
}
