package dev.lofilora.common;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds and deletes the debris of runs of this tool that were killed before they could clean up: temporary files
 * ({@code .<name>.lofi-<pid>-<random>.tmp}, see {@link AtomicFiles}) and unfinished dataset folders
 * ({@code .<name>.lofi-partial-<pid>-<random>}, {@code .<name>.lofi-old-<pid>-<random>}). One is stale when the
 * process that made it is gone. Names of earlier versions, which carry no process id ({@code .<name>.<digits>.tmp},
 * {@code .<name>.partial-<8 hex>}, {@code .<name>.old-<8 hex>}), count as stale once untouched for
 * {@value #LEGACY_AGE_SECONDS} s. Nothing else is ever deleted: the names are hidden and specific to this tool.
 * Symbolic links are never followed.
 */
public final class StaleFiles {
    static final long LEGACY_AGE_SECONDS = 60;
    private static final Pattern TEMP = Pattern.compile("\\..+\\.lofi-(\\d+)-[0-9a-z]+\\.tmp");
    private static final Pattern LEGACY_TEMP = Pattern.compile("\\..+\\.\\d{5,}\\.tmp");
    private static final Pattern FOLDER = Pattern.compile("\\..+\\.lofi-(?:partial|old)-(\\d+)-[0-9a-z]+");
    private static final Pattern LEGACY_FOLDER = Pattern.compile("\\..+\\.(?:partial|old)-[0-9a-f]{8}");

    private StaleFiles() {}

    /**
     * Deletes stale temporary files and unfinished folders in {@code dir} and its sub-folders down to {@code depth}
     * (1 = {@code dir} itself), not descending into hidden folders. Returns what was deleted; a missing {@code dir}
     * gives an empty list.
     */
    public static List<Path> clean(Path dir, int depth) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (depth < 1 || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return removed;
        List<Path> subfolders = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                boolean folder = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                if (isStale(p, name, folder)) {
                    if (folder) deleteTree(p);
                    else Files.deleteIfExists(p);
                    removed.add(p);
                } else if (folder && !name.startsWith(".")) {
                    subfolders.add(p);
                }
            }
        }
        for (Path sub : subfolders) removed.addAll(clean(sub, depth - 1));
        return removed;
    }

    /**
     * Deletes stale unfinished copies of {@code dir} beside it ({@code .<dir name>.lofi-partial-…} and older forms).
     * A stale earlier version ({@code .<dir name>.lofi-old-…}) is deleted only when {@code dir} exists; when it does
     * not (a run was stopped between its two renames), it is renamed back to {@code dir} instead.
     */
    public static List<Path> cleanSiblings(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        List<Path> removed = new ArrayList<>();
        if (parent == null || !Files.isDirectory(parent)) return removed;
        String prefix = "." + abs.getFileName() + ".";
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : s) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isStale(p, p.getFileName().toString(), true)) stale.add(p);
            }
        }
        stale.sort(Comparator.comparing(Path::toString));
        for (Path p : stale) {
            boolean old = p.getFileName().toString().substring(prefix.length()).matches("(lofi-)?old-.*");
            if (old && !Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(p, abs);
                continue;
            }
            deleteTree(p);
            removed.add(p);
        }
        return removed;
    }

    static boolean isStale(Path p, String name, boolean folder) throws IOException {
        Matcher m = (folder ? FOLDER : TEMP).matcher(name);
        if (m.matches()) return !alive(Long.parseLong(m.group(1)));
        if ((folder ? LEGACY_FOLDER : LEGACY_TEMP).matcher(name).matches()) {
            FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
            return t.toInstant().isBefore(Instant.now().minus(Duration.ofSeconds(LEGACY_AGE_SECONDS)));
        }
        return false;
    }

    private static boolean alive(long pid) {
        if (pid == ProcessHandle.current().pid()) return true;
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Deletes a folder and everything in it, links themselves (never their targets). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** "3 stale temporary files (a, b, c)" style summary for messages, or "" when none. */
    public static String describe(List<Path> removed) {
        if (removed.isEmpty()) return "";
        List<String> names = removed.stream().map(p -> p.getFileName().toString()).limit(5).toList();
        return "removed " + removed.size() + " stale temporary file(s) or unfinished folder(s) left by an interrupted "
                + "run: " + String.join(", ", names) + (removed.size() > 5 ? ", …" : "");
    }
}
