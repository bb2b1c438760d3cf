package dev.lofilora.common;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a run does when it is stopped by Ctrl-C (SIGINT, exit code 130) or {@code kill} (SIGTERM, 143): the JVM runs
 * its shutdown hooks, and the one installed by {@link #install} deletes every temporary file and unfinished folder
 * still registered (by {@link AtomicFiles} and the dataset builder), then prints one line saying what was kept and
 * what was cleaned, e.g. {@code interrupted: 3 of 10 files finished and kept in data/processed (the next run skips
 * them); removed 1 temporary file}. Once the hook has started, no new temporary file can be registered, so a worker
 * thread still running cannot leave a new one behind.
 *
 * <p>The hook is installed by the launcher only ({@code Main.main}); an embedding tool or a test calls
 * {@link #cleanUp()} itself. Thread-safe.
 */
public final class Interruption {
    private static final Set<Path> FILES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRS = ConcurrentHashMap.newKeySet();
    private static final Map<Object, Supplier<String>> NOTES = new LinkedHashMap<>();
    private static final Map<Object, Runnable> FINISHERS = new LinkedHashMap<>();
    private static volatile boolean stopping;
    private static volatile boolean finished;
    private static Thread hook;

    private Interruption() {}

    /** A note on what the running command has kept so far; close it when the command ends. */
    public interface Note extends AutoCloseable {
        @Override
        void close();
    }

    /** Installs the shutdown hook (once per JVM) that cleans up and reports on {@code err} unless {@link #finished}. */
    public static synchronized void install(PrintStream err) {
        if (hook != null) return;
        hook = new Thread(() -> {
            if (finished) return;
            runFinishers();
            if (finished) return;
            stopping = true;
            err.println("interrupted: " + cleanUp());
            err.flush();
        }, "lofi-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The command ended normally: the hook prints nothing. */
    public static void finished() {
        finished = true;
    }

    /** Registers what the running command has kept so far, for the interruption message. */
    public static Note note(Supplier<String> kept) {
        Object key = new Object();
        synchronized (NOTES) {
            NOTES.put(key, kept);
        }
        return () -> {
            synchronized (NOTES) {
                NOTES.remove(key);
            }
        };
    }

    /**
     * Registers work that must complete before the cleanup starts (e.g. the trainer stops after its current step and
     * writes a checkpoint): the hook runs every registered finisher, in registration order, while new temporary files
     * are still allowed, and only then deletes what is left. A finisher blocks until its work is done. JVM shutdown
     * hooks run concurrently, so a command must register here rather than add a hook of its own. Close the note when
     * the command ends.
     */
    public static Note finishFirst(Runnable finisher) {
        Object key = new Object();
        synchronized (FINISHERS) {
            FINISHERS.put(key, finisher);
        }
        return () -> {
            synchronized (FINISHERS) {
                FINISHERS.remove(key);
            }
        };
    }

    private static void runFinishers() {
        List<Runnable> todo;
        synchronized (FINISHERS) {
            todo = new ArrayList<>(FINISHERS.values());
        }
        for (Runnable r : todo) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // a finisher must never stop the cleanup
            }
        }
    }

    static void track(Path tmp) throws IOException {
        if (stopping) throw new IOException("interrupted: not starting " + tmp);
        FILES.add(tmp);
    }

    static void untrack(Path tmp) {
        FILES.remove(tmp);
    }

    /** Registers an unfinished folder (a dataset being built) that is deleted on interruption. */
    public static void trackDir(Path dir) throws IOException {
        if (stopping) throw new IOException("interrupted: not starting " + dir);
        DIRS.add(dir.toAbsolutePath());
    }

    public static void untrackDir(Path dir) {
        DIRS.remove(dir.toAbsolutePath());
    }

    /**
     * Deletes every registered temporary file and unfinished folder, and says what the running commands kept and
     * what was removed. What the hook runs (after it has stopped new registrations); an embedder that stops a job
     * by other means calls it directly.
     */
    public static String cleanUp() {
        List<String> parts = new ArrayList<>();
        synchronized (NOTES) {
            for (Supplier<String> s : NOTES.values()) {
                try {
                    String n = s.get();
                    if (n != null && !n.isBlank()) parts.add(n);
                } catch (RuntimeException e) {
                    // a note must never stop the cleanup
                }
            }
        }
        List<String> removed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Path f : List.copyOf(FILES)) {
            try {
                if (Files.deleteIfExists(f)) removed.add(f.getFileName().toString());
            } catch (IOException e) {
                failed.add(f.toString());
            }
            FILES.remove(f);
        }
        int folders = 0;
        for (Path d : List.copyOf(DIRS)) {
            try {
                if (Files.exists(d)) {
                    StaleFiles.deleteTree(d);
                    folders++;
                    removed.add(d.getFileName() + "/");
                }
            } catch (IOException e) {
                failed.add(d.toString());
            }
            DIRS.remove(d);
        }
        if (removed.isEmpty()) parts.add("no temporary files were left");
        else parts.add("removed " + (removed.size() - folders) + " temporary file(s)"
                + (folders > 0 ? " and " + folders + " unfinished folder(s)" : "") + ": " + String.join(", ", removed));
        if (!failed.isEmpty()) parts.add("could not remove " + String.join(", ", failed) + " (delete them by hand)");
        return String.join("; ", parts);
    }
}
