package dev.lofilora.common;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Every write of the project goes through here: the bytes go to a temporary file in the target's folder and the
 * file is renamed into place, so a reader never sees half a file and an interrupted run leaves the old file (or
 * none) behind.
 *
 * <p>Temporary files are named {@code .<target name>.lofi-<pid>-<random>.tmp}: hidden, and marked with the process
 * that writes them, so {@link StaleFiles} can tell debris of a killed run (its process is gone) from a file another
 * run is still writing. They are created with the default permissions ({@code 0666} less the umask: {@code 0644}
 * under umask 022), not the owner-only {@code 0600} of {@link Files#createTempFile}, because the rename keeps the
 * mode and the outputs (processed audio, prompts, the dataset) must be readable by a trainer running as another
 * user. While a temporary file exists it is registered with {@link Interruption}, which deletes it on Ctrl-C.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    /** Receives the stream of the temporary file; may throw. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes through {@code writer} into a temporary sibling of {@code target}, then renames it into place. */
    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path tmp = newTempFile(abs);
        boolean done = false;
        try {
            // No TRUNCATE_EXISTING: the file was just made empty, and on ext4 an O_TRUNC open (even of an empty file)
            // marks it for a flush of all its data when it is closed (auto_da_alloc): 5-7 ms of CPU and 7-14 ms of
            // waiting per 52 MB output, measured, for nothing, as the rename is what makes the write atomic.
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                writer.write(out);
            }
            moveIntoPlace(tmp, abs);
            done = true;
        } finally {
            if (!done) discard(tmp);
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Creates an empty temporary file beside {@code target} (its folder is created when missing) with the default
     * permissions, and registers it for deletion on Ctrl-C. Finish with {@link #moveIntoPlace} or {@link #discard}.
     *
     * @throws IOException when the folder cannot be written, or the process is shutting down after Ctrl-C
     */
    public static Path newTempFile(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        String prefix = "." + abs.getFileName() + ".lofi-" + ProcessHandle.current().pid() + "-";
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            Interruption.track(tmp);
            try {
                // CREATE_NEW with no attributes: the mode is 0666 less the umask, as for any file the user creates.
                Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                Interruption.untrack(tmp);
                if (attempt > 8) throw e;
            } catch (IOException | RuntimeException e) {
                Interruption.untrack(tmp);
                throw e;
            }
        }
    }

    /** Renames a finished temporary file over {@code target} (atomically where the file system allows it). */
    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            if (!Files.exists(tmp)) Interruption.untrack(tmp);
        }
    }

    /** Deletes a temporary file that will not be used. */
    public static void discard(Path tmp) throws IOException {
        try {
            Files.deleteIfExists(tmp);
        } finally {
            Interruption.untrack(tmp);
        }
    }
}
