package dev.lofilora.common;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a folder (the metadata folder of a run), so that two runs cannot work on it at once: the
 * second one stops before doing anything, with a message naming the first (its process id, command and start
 * time). Chosen over making two runs cooperate because their outputs, resume state and report would interleave.
 *
 * <p>The lock is an OS file lock ({@code fcntl}/{@code LockFileEx}) on {@code <dir>/.lofi.lock}, so it disappears
 * when its process dies, even on {@code kill -9}; the file itself stays (it only describes the last holder). Within
 * one JVM a second lock on the same folder is refused the same way. Release with {@link #close()}.
 */
public final class FolderLock implements AutoCloseable {
    public static final String FILE = ".lofi.lock";
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (created when missing) for {@code command} (e.g. {@code "lofi process data/raw"}).
     *
     * @throws LofiException naming the holder when another run holds the lock, or when the lock file cannot be made
     */
    public static FolderLock acquire(Path dir, String command) {
        Path abs = dir.toAbsolutePath().normalize();
        Path file = abs.resolve(FILE);
        if (!HELD_HERE.add(abs)) throw busy(abs, describe(file));
        FileChannel ch = null;
        try {
            Files.createDirectories(abs);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw busy(abs, describe(file));
            }
            Map<String, Object> holder = new LinkedHashMap<>();
            holder.put("pid", ProcessHandle.current().pid());
            holder.put("command", command);
            holder.put("startedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            byte[] bytes = (Json.toString(holder) + "\n").getBytes(StandardCharsets.UTF_8);
            // Written over the last holder, then cut to length: a truncate to 0 first would make ext4 wait for the
            // last run's write of this file to reach the disk, and flush this one when it is closed (auto_da_alloc).
            ch.write(ByteBuffer.wrap(bytes), 0);
            if (ch.size() > bytes.length) ch.truncate(bytes.length);
            // Not forced to disk: another process reads the holder through the page cache, and after a crash the lock
            // is gone anyway. (A force here made ext4 flush the previous run's outputs first: 0.1-0.5 s per run.)
            return new FolderLock(abs, ch, l);
        } catch (IOException e) {
            HELD_HERE.remove(abs);
            closeQuietly(ch);
            throw new LofiException(file, "cannot be created to lock the folder: " + e.getMessage(),
                    "make " + abs + " writable, or pass another folder");
        } catch (LofiException e) {
            HELD_HERE.remove(abs);
            throw e;
        }
    }

    private static LofiException busy(Path dir, String holder) {
        return new LofiException(dir, "is in use by another lofi run (" + holder + "); two runs on one folder would do "
                + "the same work twice and overwrite each other's report",
                "wait for that run to finish (or stop it), or give this run another folder");
    }

    /** Who holds the lock, from the lock file: "process 1234, `lofi process data/raw`, started 2026-…". */
    private static String describe(Path file) {
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
            long pid = n.path("pid").asLong(-1);
            String who = pid == ProcessHandle.current().pid() ? "this process, pid " + pid : "process " + pid;
            return who + ", `" + n.path("command").asText("?") + "`, started " + n.path("startedAt").asText("?");
        } catch (IOException | RuntimeException e) {
            return "holder unknown: " + file + " cannot be read";
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        } finally {
            closeQuietly(channel);
            HELD_HERE.remove(dir);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
