package dev.lofilora.metrics.validate;

import dev.lofilora.SharedFiles;
import dev.lofilora.cli.Main;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to lofi validate: each is a clear LofiException naming the file and the fix, raised before anything is
 * embedded or written (the output folder is never created).
 */
class ValidateBadInputTest {
    @TempDir
    Path tmp;

    private ValidateConfig config(Path reference, Path generated, String vggish, String clap) {
        return new ValidateConfig(reference, CheckpointAudio.of(List.of(generated)), vggish, clap, null,
                tmp.resolve("out"), 3.0, "cpu", ConfigFiles.defaults());
    }

    private LofiException fails(ValidateConfig c) {
        LofiException e = assertThrows(LofiException.class, () -> ValidateJob.run(c, ProgressListener.NONE));
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written for: " + e.getMessage());
        return e;
    }

    @Test
    void aReferenceFolderWithTooFewTracks() throws IOException {
        Path ref = ValidateFixtures.reference(tmp.resolve("ref"), 1, 3);
        Path gen = ValidateFixtures.generatedWithPromptFiles(tmp.resolve("gen"), 1, 9, 3);
        LofiException e = fails(config(ref, gen, "tiny", "tiny"));
        assertTrue(e.getMessage().contains("holds 1 reference track(s); 2 are needed"), e.getMessage());
        assertTrue(e.getMessage().startsWith(ref.toString()), "names the folder");
    }

    @Test
    void aPromptWithoutAudioAndAudioWithoutPrompt() throws IOException {
        Path ref = ValidateFixtures.reference(tmp.resolve("ref"), 2, 3);
        Path gen = ValidateFixtures.generatedWithPromptFiles(tmp.resolve("gen"), 2, 9, 3);
        Files.writeString(gen.resolve("ghost_prompt.txt"), "lofi, ghost");
        Files.delete(gen.resolve("clip_1_prompt.txt"));
        LofiException e = fails(config(ref, gen, "tiny", "tiny"));
        assertTrue(e.getMessage().contains("prompt ghost_prompt.txt has no audio"), e.getMessage());
        assertTrue(e.getMessage().contains("clip_1.wav has no prompt"), e.getMessage());

        Path json = ValidateFixtures.generatedWithPromptsJson(tmp.resolve("gen2"), 2, 9, 3, false);
        Files.delete(json.resolve("gen_0.wav"));
        assertTrue(fails(config(ref, json, "tiny", "tiny")).getMessage().contains("prompt \"gen_0\" has no audio"));
    }

    @Test
    void aCheckpointNamingAForeignGlobalIsRefusedUnrun() throws IOException {
        Path ref = ValidateFixtures.reference(tmp.resolve("ref"), 2, 3);
        Path gen = ValidateFixtures.generatedWithPromptFiles(tmp.resolve("gen"), 1, 9, 3);
        Path marker = tmp.resolve("pwned");
        Path evil = tmp.resolve("music_audioset_epoch_15_esc_90.14.pt");
        byte[] pickle = ("\u0080\u0002cposix\nsystem\n(X" ).getBytes(StandardCharsets.ISO_8859_1);
        String cmd = "touch " + marker;
        byte[] len = {(byte) cmd.length(), 0, 0, 0};
        writeZip(evil, concat(pickle, len, cmd.getBytes(StandardCharsets.US_ASCII), "tR.".getBytes(StandardCharsets.US_ASCII)));
        LofiException e = fails(config(ref, gen, "tiny", evil.toString()));
        assertTrue(e.getMessage().contains("'posix.system'") && e.getMessage().contains("refused"), e.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void aTruncatedCheckpoint() throws IOException {
        Path ref = ValidateFixtures.reference(tmp.resolve("ref"), 2, 3);
        Path gen = ValidateFixtures.generatedWithPromptFiles(tmp.resolve("gen"), 1, 9, 3);
        byte[] whole = Files.readAllBytes(SharedFiles.require("golden/metrics/A/pt_checkpoint/checkpoint.pt"));
        Path cut = tmp.resolve("clap.pt");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 4000));
        LofiException e = fails(config(ref, gen, "tiny", cut.toString()));
        assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void weightsForTheWrongModel() throws IOException {
        Path ref = ValidateFixtures.reference(tmp.resolve("ref"), 2, 3);
        Path gen = ValidateFixtures.generatedWithPromptFiles(tmp.resolve("gen"), 1, 9, 3);
        Path htsat = SharedFiles.require("golden/metrics/A/htsat/weights.safetensors");
        Path vggish = SharedFiles.require("golden/metrics/A/vggish/weights.safetensors");
        LofiException asVggish = fails(config(ref, gen, htsat.toString(), "tiny"));
        assertTrue(asVggish.getMessage().contains("does not hold the VGGish network")
                && asVggish.getMessage().contains("missing"), asVggish.getMessage());
        LofiException asClap = fails(config(ref, gen, "tiny", vggish.toString()));
        assertTrue(asClap.getMessage().contains("is not a LAION-CLAP HTSAT/RoBERTa checkpoint"), asClap.getMessage());
        // The golden VGGish is a tiny config: the released architecture does not fit it either.
        LofiException tinyAsReleased = fails(config(ref, gen, vggish.toString(), "tiny"));
        assertTrue(tinyAsReleased.getMessage().contains("shape mismatches"), tinyAsReleased.getMessage());
    }

    @Test
    void theCliExitsTwoOnBadInputAndMisusedRunOptions() throws IOException {
        Path ref = ValidateFixtures.reference(tmp.resolve("ref"), 1, 3);
        Path gen = ValidateFixtures.generatedWithPromptFiles(tmp.resolve("gen"), 1, 9, 3);
        String out = tmp.resolve("out").toString();
        // one reference track: fewer than min_reference_tracks
        assertEquals(2, Main.execute("validate", gen.toString(), "--reference", ref.toString(), "--vggish", "tiny",
                "--clap", "tiny", "--out", out, "--no-progress"));
        // a run folder that does not exist; --run and folders together; --checkpoints without --run
        assertEquals(2, Main.execute("validate", "--run", tmp.resolve("runs/x").toString(), "--vggish", "tiny", "--clap",
                "tiny", "--out", out, "--no-progress"));
        assertEquals(2, Main.execute("validate", gen.toString(), "--run", tmp.resolve("runs/x").toString(), "--vggish",
                "tiny", "--clap", "tiny", "--out", out, "--no-progress"));
        assertEquals(2, Main.execute("validate", gen.toString(), "--checkpoints", "last", "--vggish", "tiny", "--clap",
                "tiny", "--out", out, "--no-progress"));
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    private static void writeZip(Path target, byte[] pickle) throws IOException {
        try (OutputStream fo = Files.newOutputStream(target); ZipOutputStream z = new ZipOutputStream(fo)) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(pickle);
            z.closeEntry();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, out, at, p.length); at += p.length; }
        return out;
    }
}
