package dev.lofilora.tensor.pickle;

import org.bytedeco.javacpp.BytePointer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Storages of the zip format ({@code torch.save} since 1.6): one record {@code <archive>/data/<key>} each. */
final class ZipStorageData implements StorageData {
    private final ZipFile zip;
    private final String prefix;
    private final Path file;

    ZipStorageData(ZipFile zip, String prefix, Path file) {
        this.zip = zip;
        this.prefix = prefix;
        this.file = file;
    }

    @Override
    public void read(StorageRef s, BytePointer dst) {
        ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
        if (e == null) {
            throw new PickleException(file, "has no record " + prefix + "data/" + s.key() + " for a storage the pickle "
                    + "names", "the file is damaged; download it again");
        }
        if (e.getSize() >= 0 && e.getSize() < s.nbytes()) {
            throw new PickleException(file, "record " + e.getName() + " holds " + e.getSize() + " bytes but its "
                    + s.dtype().safetensorsName() + " storage needs " + s.nbytes(), "the file is damaged; download it again");
        }
        try (InputStream in = zip.getInputStream(e)) {
            if (!StorageData.copy(in, s.nbytes(), dst)) {
                throw new PickleException(file, "record " + e.getName() + " ends early (truncated file)",
                        "download the checkpoint again");
            }
        } catch (IOException ex) {
            throw new PickleException(file, "record " + e.getName() + " cannot be read: " + ex.getMessage(),
                    "the file is damaged or truncated; download it again", ex);
        }
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException ignored) {
            // read-only; nothing to flush
        }
    }
}
