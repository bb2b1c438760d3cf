package dev.lofilora.common;

import dev.lofilora.ChildJvm;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.dataset.curate.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Files written through a temporary file get the mode of any file the user creates (0666 less the umask), not the
 * owner-only 0600 of {@code Files.createTempFile}: a trainer running as another user must be able to read the
 * processed audio, the prompts and the dataset. The umask is a property of the process, so the end-to-end checks run
 * {@code lofi} in child JVMs started under umask 022 and 027.
 */
class PermissionsTest {
    @TempDir Path root;

    /** The umask of this JVM, from /proc/self/status (Linux 4.7+). */
    private static int umask() throws IOException {
        Path status = Path.of("/proc/self/status");
        assumeTrue(Files.isReadable(status), "needs /proc/self/status to read the umask");
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("Umask:")) return Integer.parseInt(line.substring(6).strip(), 8);
        }
        assumeTrue(false, "no Umask line in /proc/self/status");
        return 0;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static String expected(int umask, boolean dir) {
        int mode = (dir ? 0777 : 0666) & ~umask;
        StringBuilder s = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int b = (mode >> shift) & 7;
            s.append((b & 4) != 0 ? 'r' : '-').append((b & 2) != 0 ? 'w' : '-').append((b & 1) != 0 ? 'x' : '-');
        }
        return s.toString();
    }

    @Test
    void everyAtomicWriterGivesTheUmaskModeInThisJvm() throws Exception {
        int umask = umask();
        String want = expected(umask, false);
        AtomicFiles.writeString(root.resolve("a.txt"), "x");
        Json.write(root.resolve("b.json"), Map.of("k", 1));
        WavFile.write(root.resolve("c.wav"), Fixtures.music(48000, 1, 1), 24);
        AudioEncoder.write(root.resolve("d.flac"), Fixtures.music(48000, 1, 2), AudioEncoder.Format.FLAC_24);
        Path tmp = AtomicFiles.newTempFile(root.resolve("e.bin"));
        try {
            assertEquals(want, mode(tmp), "a temporary file already has its final mode");
        } finally {
            AtomicFiles.discard(tmp);
        }
        for (String f : List.of("a.txt", "b.json", "c.wav", "d.flac")) {
            assertEquals(want, mode(root.resolve(f)), f + " under umask " + Integer.toOctalString(umask));
        }
    }

    /** The raw folder, its sources.json and the config the children use. */
    private Path project(Path dir) throws IOException {
        Path raw = Files.createDirectories(dir.resolve("raw"));
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 1), AudioEncoder.Format.FLAC_16);
        Map<String, Object> e = Fixtures.entry("a.flac");
        e.put("style", "lofi_hip_hop");
        Fixtures.sources(dir.resolve("meta/sources.json"), List.of(e));
        return dir;
    }

    /** Path (relative to {@code dir}) → mode of everything under the given sub-folders. */
    private static Map<String, String> modes(Path dir, String... subfolders) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String sub : subfolders) {
            try (Stream<Path> s = Files.walk(dir.resolve(sub))) {
                for (Path p : s.toList()) m.put(dir.relativize(p) + (Files.isDirectory(p) ? "/" : ""), mode(p));
            }
        }
        return m;
    }

    @Test
    void processPromptsAndDatasetOutputsAre644And755UnderUmask022() throws Exception {
        Path p = project(root.resolve("p"));
        ChildJvm.Result r = ChildJvm.run("022", root, 180, "dev.lofilora.cli.Sequence", dev.lofilora.cli.Sequence.of(
                List.of("process", p.resolve("raw").toString(), "--out", p.resolve("processed").toString(),
                        "--metadata", p.resolve("meta").toString(), "--no-progress"),
                List.of("prompts", p.resolve("processed").toString(), "--metadata", p.resolve("meta").toString(),
                        "--no-analysis", "--no-progress"),
                List.of("dataset", p.resolve("processed").toString(), "--out", p.resolve("final").toString(),
                        "--validation", p.resolve("validation").toString(), "--metadata", p.resolve("meta").toString(),
                        "--no-progress")));
        assertEquals(0, r.exit(), r.err());

        Map<String, String> modes = modes(p, "processed", "meta", "final", "validation");
        List<String> wrong = new ArrayList<>();
        int files = 0;
        for (var e : modes.entrySet()) {
            boolean dir = e.getKey().endsWith("/");
            if (!dir) files++;
            if (!e.getValue().equals(dir ? "rwxr-xr-x" : "rw-r--r--")) wrong.add(e.getKey() + " " + e.getValue());
        }
        assertTrue(wrong.isEmpty(), "not 0644/0755 under umask 022: " + wrong);
        // the outputs that matter to a trainer running as another user are among them
        for (String f : List.of("processed/main/a.wav", "processed/main/a_prompt.txt", "meta/qc_report.json",
                "meta/qc_report.html", "meta/process_state/a.json", "final/a.wav", "final/manifest.json",
                "final/hf_dataset/state.json", "final/hf_dataset/dataset_info.json")) {
            assertEquals("rw-r--r--", modes.get(f), f + " in " + modes.keySet());
        }
        assertTrue(files >= 15, modes.toString());
    }

    @Test
    void theUmaskIsRespectedNotReplaced() throws Exception {
        Path p = project(root.resolve("q"));
        ChildJvm.Result r = ChildJvm.run("027", root, 120, "dev.lofilora.cli.Main", "process", p.resolve("raw").toString(),
                "--out", p.resolve("processed").toString(), "--metadata", p.resolve("meta").toString(), "--no-progress");
        assertEquals(0, r.exit(), r.err());
        assertEquals("rw-r-----", mode(p.resolve("processed/main/a.wav")));
        assertEquals("rw-r-----", mode(p.resolve("meta/qc_report.json")));
        assertEquals("rwxr-x---", mode(p.resolve("processed/main")));
    }
}
