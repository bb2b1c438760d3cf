package dev.lofilora.dataset.curate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The only code of {@code process} that deletes or moves a file in an output folder, under one rule: a file is
 * deleted only when it lies inside this run's {@code --out} and the track's {@link ProcessState} proves this tool
 * wrote it (same path relative to {@code --out}, same size, same sha256). A file that cannot be proven is never
 * deleted: an earlier output is then left where it is ({@link Removal#KEPT}), and a file in the way of a new output
 * is moved to {@code <out>/.lofi-kept/<same relative path>} ({@link Removal#MOVED}). Every outcome is returned as a
 * {@link Removal} for the report.
 */
final class OutputKeeper {
    /** Where files in the way of an output are moved (hidden: the later stages skip hidden folders). */
    static final String KEPT_DIR = ".lofi-kept";

    private final Path outDir;

    OutputKeeper(Path outDir) {
        this.outDir = outDir.toAbsolutePath().normalize();
    }

    Path outDir() { return outDir; }

    /** {@code rel} resolved inside the output folder, or null when it would leave it. */
    Path inside(String rel) {
        if (rel == null) return null;
        Path p = outDir.resolve(rel).normalize();
        return p.startsWith(outDir) && !p.equals(outDir) ? p : null;
    }

    /** The output path of {@code file} relative to the output folder ({@code main/a.wav}). */
    String relative(Path file) {
        return outDir.relativize(file.toAbsolutePath().normalize()).toString();
    }

    /**
     * Deletes the earlier output {@code rel} when {@code state} proves it is this tool's; otherwise leaves it and says
     * so. Null when there is no such file.
     *
     * @param why why it should go, e.g. "the track is now written as main/a.flac"
     */
    Removal removeIfOurs(ProcessState state, String rel, String why) throws IOException {
        Path f = inside(rel);
        if (f == null) return null; // a record can only name a file inside this folder; never follow one out of it
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) return null;
        if (state.proves(rel, f)) {
            Files.delete(f);
            return Removal.deleted(f.toString(), why + "; lofi process wrote it (same size and sha256 as recorded)");
        }
        return Removal.kept(f.toString(), why + ", but it is not the file lofi process recorded there (its size or "
                + "sha256 differs, or no hash was recorded), so it was left in place; delete it yourself if it is not needed");
    }

    /**
     * Makes room for a new output at {@code rel}: a file already there that {@code state} does not prove to be this
     * tool's is moved to {@code <out>/.lofi-kept/<rel>}. Null when the path is free or holds this tool's own file
     * (which the new output replaces).
     */
    Removal clearWay(ProcessState state, String rel) throws IOException {
        Path f = inside(rel);
        if (f == null || !Files.exists(f, LinkOption.NOFOLLOW_LINKS)) return null;
        if (state.proves(rel, f)) return null;
        Path to = outDir.resolve(KEPT_DIR).resolve(rel);
        for (int i = 1; Files.exists(to, LinkOption.NOFOLLOW_LINKS); i++) {
            to = outDir.resolve(KEPT_DIR).resolve(rel + "." + i);
        }
        Files.createDirectories(to.getParent());
        Files.move(f, to);
        return Removal.moved(f.toString(), to.toString(), "it was in the way of this track's output and lofi process "
                + "has no record of writing it (size and sha256), so it was moved aside, not overwritten");
    }

    /** Deletes an output written by this very run that must not stay (it failed after being written). */
    static Removal removeWrittenNow(Path file, String why) throws IOException {
        if (!Files.deleteIfExists(file)) return null;
        return Removal.deleted(file.toString(), why);
    }

    /** sha256 of a file's bytes, hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
