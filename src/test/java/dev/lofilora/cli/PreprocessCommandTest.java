package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.common.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The preprocess and reconstruct commands: options, exit codes, --json shapes. */
class PreprocessCommandTest {
    @TempDir Path root;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut, oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private int lofi(String... args) {
        return Main.commandLine().setErr(new java.io.PrintWriter(System.err, true)).execute(args);
    }

    private static Path wav(Path file, double seconds, double amplitude) throws Exception {
        int n = (int) (seconds * 48000);
        float[][] s = new float[2][n];
        for (int i = 0; i < n; i++) s[0][i] = s[1][i] = (float) (amplitude * Math.sin(2 * Math.PI * 440 * i / 48000.0));
        Files.createDirectories(file.getParent());
        WavFile.write(file, new AudioBuffer(s, 48000), 24);
        return file;
    }

    @Test
    void helpShowsTheDefaults() {
        assertEquals(0, lofi("preprocess", "--help"));
        String help = out.toString();
        for (String s : new String[] {"--model", "data/final", "data/cache", "data/metadata", "--lyric-vocab", "auto",
                "--bf16-weights", "--force", "--json"}) {
            assertTrue(help.contains(s), s);
        }
        out.reset();
        assertEquals(0, lofi("reconstruct", "--help"));
        assertTrue(out.toString().contains("<audio>") && out.toString().contains("--out"));
    }

    @Test
    void exitCodesAndJson() throws Exception {
        Path data = root.resolve("final");
        wav(data.resolve("tone.wav"), 3.0, 0.3);
        wav(data.resolve("quiet.wav"), 3.0, 0.0);
        for (String k : new String[] {"tone", "quiet"}) {
            Files.writeString(data.resolve(k + "_prompt.txt"), "lofi, chill");
            Files.writeString(data.resolve(k + "_lyrics.txt"), "[instrumental]");
        }
        String[] common = {"--model", "tiny", "--data", data.toString(), "--out", root.resolve("cache").toString(),
                "--metadata", root.resolve("metadata").toString(), "--device", "cpu", "--no-progress"};
        assertEquals(1, lofi(concat(new String[] {"preprocess", "--json"}, common)), err.toString());
        JsonNode r = Json.MAPPER.readTree(out.toString());
        assertEquals(1, r.path("totals").path("encoded").asInt());
        assertEquals(1, r.path("totals").path("dropped").asInt());
        assertEquals("dropped", r.path("tracks").get(0).path("status").asText(), "quiet sorts first");
        assertEquals(32, r.path("encoders").path("text_encoder").path("dims").path("d_model").asInt());

        err.reset();
        assertEquals(2, lofi("preprocess", "--model", "tiny", "--data", root.resolve("absent").toString(), "--no-progress"));
        assertTrue(err.toString().contains("absent") && err.toString().contains("does not exist"), err.toString());
        err.reset();
        assertEquals(2, lofi(concat(new String[] {"preprocess", "--bf16-weights", "maybe"}, common)));
        assertTrue(err.toString().contains("--bf16-weights maybe"), err.toString());
    }

    @Test
    void reconstructWritesA48kStereoWavOfTheInputsLength() throws Exception {
        Path in = wav(root.resolve("in.wav"), 1.5, 0.3);
        Path target = root.resolve("out/rec.wav");
        assertEquals(0, lofi("reconstruct", in.toString(), "--model", "tiny", "--out", target.toString(), "--device",
                "cpu", "--json", "--no-progress"), err.toString());
        JsonNode r = Json.MAPPER.readTree(out.toString());
        assertEquals(72000, r.path("samples_48k").asLong());
        assertEquals(17, r.path("latent_frames").asLong(), "⌈⌈72000·147/160⌉/4096⌉");
        assertTrue(r.path("snr_db").isNumber() && r.path("mel_distance_db").asDouble() > 0);
        WavFile.Info info = WavFile.info(target);
        assertEquals(48000, info.sampleRate());
        assertEquals(2, info.channels());
        assertEquals(72000, info.frames());
        err.reset();
        assertEquals(2, lofi("reconstruct", in.toString(), "--model", "tiny", "--out", root.resolve("x.mp3").toString(),
                "--no-progress"));
        assertTrue(err.toString().contains("x.mp3") && err.toString().contains(".wav"), err.toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
