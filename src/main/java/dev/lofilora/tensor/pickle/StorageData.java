package dev.lofilora.tensor.pickle;

import org.bytedeco.javacpp.BytePointer;

import java.io.IOException;
import java.io.InputStream;

/** Where a checkpoint's storage bytes live: zip records ({@code data/<key>}) or the legacy format's tail. */
interface StorageData extends AutoCloseable {
    /** Copies the {@code s.nbytes()} bytes of storage {@code s} into {@code dst}. */
    void read(StorageRef s, BytePointer dst);

    @Override
    void close();

    /** Copies exactly {@code n} bytes from {@code in} into {@code dst} in 1 MiB chunks; false when it ends early. */
    static boolean copy(InputStream in, long n, BytePointer dst) throws IOException {
        byte[] buf = new byte[1 << 20];
        long done = 0;
        while (done < n) {
            int want = (int) Math.min(buf.length, n - done);
            int got = in.readNBytes(buf, 0, want);
            if (got <= 0) return false;
            dst.position(done).put(buf, 0, got);
            done += got;
            if (got < want) return false;
        }
        dst.position(0);
        return true;
    }
}
