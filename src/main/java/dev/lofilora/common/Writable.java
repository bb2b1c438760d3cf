package dev.lofilora.common;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before a command does any work, that it will be able to write its outputs: a folder that cannot be
 * created or written would otherwise be found only after every file has been processed. The test is real: a probe
 * file is created and deleted (permission bits alone say nothing for root, ACLs or a read-only mount).
 */
public final class Writable {
    private Writable() {}

    /**
     * Creates {@code dir} when missing and checks that a file can be created in it.
     *
     * @param option how the user named the folder, for the message (e.g. {@code "--out"})
     * @throws LofiException naming the folder and the fix when it cannot be written
     */
    public static void require(Path dir, String option) {
        Path abs = dir.toAbsolutePath().normalize();
        for (Path p = abs; p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new LofiException(abs, option + " cannot be used: " + p + " is a file, not a folder",
                        "pass a folder for " + option);
            }
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new LofiException(abs, option + " cannot be created: " + reason(e),
                    "create it yourself with write permission for this user, or pass another " + option);
        }
        Path probe = abs.resolve(".lofi-write-test-" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw new LofiException(abs, option + " is not writable: " + reason(e),
                    "make it writable for this user (chmod u+w, or remount read-write), or pass another " + option);
        }
    }

    /** Checks without creating anything: {@code dir} or, when it does not exist yet, its nearest existing parent. */
    public static String problem(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path p = abs;
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null) return null;
        if (!Files.isDirectory(p)) return p + " is a file, not a folder";
        if (!Files.isWritable(p)) return p + " is not writable";
        return null;
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
