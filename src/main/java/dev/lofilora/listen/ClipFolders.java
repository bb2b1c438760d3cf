package dev.lofilora.listen;

import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds the clips two folders have in common. A clip is a top-level audio file (by extension); its name is the
 * file name without extension, so {@code a/prompt_03.wav} pairs with {@code b/prompt_03.flac}. Other files (the
 * {@code _prompt.txt} beside generated audio, notes) are ignored. A file whose real path leaves its folder (a
 * symbolic link pointing elsewhere) is never paired, so the server can only ever serve files of the two folders.
 */
public final class ClipFolders {
    static final Set<String> AUDIO_EXTENSIONS = Set.of("wav", "flac", "mp3", "ogg", "opus", "m4a");

    /** The common clips sorted by name, and what was left out. */
    public record Pairing(List<ClipPair> pairs, List<String> onlyInA, List<String> onlyInB, List<Path> outside) {}

    private ClipFolders() {}

    /** Pairs the clips of {@code a} and {@code b}; throws a {@link LofiException} when they share none. */
    public static Pairing pair(Path a, Path b) {
        Path realA = realFolder(a), realB = realFolder(b);
        if (realA.equals(realB)) throw new LofiException(b, "is the same folder as --a", "pass the other system's folder");
        List<Path> outside = new ArrayList<>();
        Map<String, Path> clipsA = clips(a, realA, outside), clipsB = clips(b, realB, outside);
        List<ClipPair> pairs = new ArrayList<>();
        List<String> onlyA = new ArrayList<>(), onlyB = new ArrayList<>();
        for (var e : clipsA.entrySet()) {
            Path other = clipsB.get(e.getKey());
            if (other == null) onlyA.add(e.getKey());
            else pairs.add(new ClipPair(e.getKey(), e.getValue(), other));
        }
        for (String k : clipsB.keySet()) if (!clipsA.containsKey(k)) onlyB.add(k);
        if (pairs.isEmpty()) {
            throw new LofiException(b, "has no clip in common with " + a + " (A: " + sample(clipsA.keySet()) + "; B: "
                    + sample(clipsB.keySet()) + ")",
                    "clips are paired by file name without extension: render the same prompts under the same names in both folders");
        }
        return new Pairing(List.copyOf(pairs), List.copyOf(onlyA), List.copyOf(onlyB), List.copyOf(outside));
    }

    /**
     * The system ids of two folders: their names, or, when those are equal (two checkpoints' {@code samples/}), the
     * shortest trailing parts of their paths that differ ({@code step-1000/samples} vs {@code step-2000/samples}).
     */
    public static String[] systemIds(Path a, Path b) {
        Path pa = a.toAbsolutePath().normalize(), pb = b.toAbsolutePath().normalize();
        for (int k = 1; k <= Math.max(pa.getNameCount(), pb.getNameCount()); k++) {
            String ia = tail(pa, k), ib = tail(pb, k);
            if (!ia.equals(ib)) return new String[] {ia, ib};
        }
        return new String[] {pa.toString(), pb.toString()};
    }

    private static String tail(Path p, int k) {
        int n = p.getNameCount();
        if (n == 0) return p.toString();
        return p.subpath(Math.max(0, n - k), n).toString().replace('\\', '/');
    }

    /** The folder's real path (links resolved); a LofiException when it is missing or not a folder. */
    static Path realFolder(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new LofiException(folder, Files.exists(folder) ? "is not a folder" : "does not exist",
                    "pass a folder of audio clips");
        }
        try {
            return folder.toRealPath();
        } catch (IOException e) {
            throw new LofiException(folder, "cannot be resolved: " + e.getMessage(), "check the path", e);
        }
    }

    /** {@code file}'s real path if it is a regular file inside {@code realFolder}, else null (also at serve time). */
    static Path inside(Path realFolder, Path file) {
        try {
            Path real = file.toRealPath();
            return real.getParent() != null && real.getParent().equals(realFolder) && Files.isRegularFile(real) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Map<String, Path> clips(Path folder, Path real, List<Path> outside) {
        Map<String, Path> byName = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String file = f.getFileName().toString();
                int dot = file.lastIndexOf('.');
                if (dot <= 0 || file.startsWith(".")) continue;
                if (!AUDIO_EXTENSIONS.contains(file.substring(dot + 1).toLowerCase(Locale.ROOT))) continue;
                if (Files.isDirectory(f)) continue;
                if (inside(real, f) == null) {
                    outside.add(f);
                    continue;
                }
                String name = file.substring(0, dot);
                Path before = byName.put(name, f);
                if (before != null) {
                    throw new LofiException(f, "has the same clip name \"" + name + "\" as " + before.getFileName(),
                            "keep one file per clip name in a folder");
                }
            }
        } catch (IOException e) {
            throw new LofiException(folder, "cannot be listed: " + e.getMessage(), "check its permissions", e);
        }
        return byName;
    }

    private static String sample(Set<String> names) {
        if (names.isEmpty()) return "no audio clips";
        List<String> l = new ArrayList<>(names);
        return String.join(", ", l.subList(0, Math.min(3, l.size()))) + (l.size() > 3 ? ", … (" + l.size() + ")" : "");
    }
}
