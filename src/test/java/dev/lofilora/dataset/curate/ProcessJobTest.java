package dev.lofilora.dataset.curate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.loudness.LoudnessMeter;
import dev.lofilora.audio.loudness.LoudnessReport;
import dev.lofilora.common.Json;
import dev.lofilora.common.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The whole pipeline on good input: formats, loudness and peak targets, report contents, FLAC output. */
class ProcessJobTest {
    @TempDir Path root;

    ProcessConfig config() {
        return ProcessConfig.of(root.resolve("raw"), root.resolve("out"), root.resolve("meta"));
    }

    static FileReport byName(ProcessResult r, String name) {
        return r.files().stream().filter(f -> name.equals(f.name())).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    @Test
    void everyFormatComesOutAt48kStereo24BitOnTargetLoudnessUnderTheCeiling() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        AudioBuffer m44 = Fixtures.music(44100, 6, 1);
        Fixtures.write(raw.resolve("a.wav"), m44, AudioEncoder.Format.WAV_16);
        Fixtures.write(raw.resolve("b.flac"), Fixtures.music(44100, 6, 2), AudioEncoder.Format.FLAC_24);
        Fixtures.write(raw.resolve("c.mp3"), Fixtures.music(44100, 6, 3), AudioEncoder.Format.MP3);
        Fixtures.write(raw.resolve("d.ogg"), Fixtures.music(44100, 6, 4), AudioEncoder.Format.OGG_VORBIS);
        Fixtures.write(raw.resolve("e.opus"), Fixtures.music(48000, 6, 5), AudioEncoder.Format.OPUS);
        Fixtures.write(raw.resolve("f.m4a"), Fixtures.music(44100, 6, 6), AudioEncoder.Format.M4A_AAC);
        Fixtures.write(raw.resolve("g.wav"), Fixtures.music(48000, 6, 7), AudioEncoder.Format.WAV_F32);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("a.wav"), Fixtures.entry("b.flac"),
                Fixtures.entry("c.mp3"), Fixtures.entry("d.ogg"), Fixtures.entry("e.opus"), Fixtures.entry("f.m4a"),
                Fixtures.entry("g.wav")));

        ProcessResult r = new ProcessJob(config()).run(ProgressListener.NONE);

        assertEquals(7, r.files().size());
        for (FileReport f : r.files()) {
            assertTrue(f.status().accepted(), f.name() + ": " + f.status() + " " + f.reasons());
            Path out = root.resolve("out/main/" + f.name() + ".wav");
            assertEquals(out.toString(), f.output());
            WavFile.Info info = WavFile.info(out);
            assertEquals(48000, info.sampleRate());
            assertEquals(2, info.channels());
            assertEquals(24, info.bits());
            // independent re-measure of the written file (not the job's own number)
            LoudnessReport m = LoudnessMeter.measure(WavFile.read(out));
            assertEquals(-14.0, m.integratedLufs(), 0.1, f.name());
            assertTrue(m.truePeakItuDbtp() <= -1.0 && m.truePeakEbur128Dbtp() <= -1.0, f.name() + " peak " + m);
            assertEquals(m.integratedLufs(), f.loudnessAfter().integratedLufs(), 1e-6);
            assertEquals(6.0, f.outputSeconds(), 0.03, f.name());
            assertEquals(-14.0 - f.loudnessBefore().integratedLufs(), f.gainDb(), f.limiter().applied() ? 0.5 : 1e-9);
        }
        FileReport a = byName(r, "a");
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(raw.resolve("a.wav")))),
                a.inputSha256());
        assertEquals("pcm_s16le", a.format().codec());
        assertEquals(16, a.format().bitDepth());
        assertEquals(44100, a.format().sampleRate());
        assertFalse(a.checks().isEmpty());
        assertEquals(0, byName(r, "c").format().bitDepth());

        // the report on disk holds the same facts
        JsonNode rep = Json.readTree(root.resolve("meta/qc_report.json"));
        assertEquals(7, rep.path("totals").path("files").asInt());
        assertEquals(-14.0, rep.path("run").path("settings").path("targetLufs").asDouble());
        // the polyphase engine on the native kernels (always built here); libswresample only without them
        assertTrue(rep.path("run").path("resampler").asText().startsWith("polyphase (libswresample's filter: filter_size 128"),
                rep.path("run").path("resampler").asText());
        assertTrue(rep.path("run").path("ffmpeg").asText().startsWith("FFmpeg 8."), rep.path("run").path("ffmpeg").asText());
        JsonNode fa = rep.path("files").get(0);
        assertEquals(a.inputSha256(), fa.path("inputSha256").asText());
        assertTrue(fa.path("loudnessBefore").has("truePeakEbur128Dbtp"));
        assertTrue(fa.path("checks").size() > 3);
        assertTrue(fa.path("stageSeconds").has("decode"));
    }

    @Test
    void loudPeakyInputIsLimitedOrRejectedAsConfigured() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        // a quiet pad with one sharp full-scale spike: +gain puts the spike far over -1 dBTP
        AudioBuffer m = Fixtures.music(48000, 6, 11);
        float[][] s = m.samples();
        for (int c = 0; c < 2; c++) for (int i = 0; i < s[c].length; i++) s[c][i] *= 0.3f;
        s[0][100_000] = 0.95f;
        s[1][100_001] = -0.95f;
        Fixtures.write(raw.resolve("spike.wav"), m, AudioEncoder.Format.WAV_24);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("spike.wav")));

        FileReport limited = new ProcessJob(config()).run(ProgressListener.NONE).files().get(0);
        assertTrue(limited.status().accepted(), limited.reasons().toString());
        assertTrue(limited.limiter().applied());
        assertTrue(limited.limiter().truePeakInDbtp() > 5, "gain pushed the spike to " + limited.limiter().truePeakInDbtp());
        assertTrue(limited.limiter().maxGainReductionDb() > 5);
        assertEquals(-14.0, limited.loudnessAfter().integratedLufs(), 0.1);
        assertTrue(limited.loudnessAfter().truePeakDbtp() <= -1.0);

        ProcessConfig rejecting = config().withSettings(ProcessSettings.defaults().withOverCeiling(OverCeilingPolicy.REJECT));
        FileReport rejected = new ProcessJob(rejecting).run(ProgressListener.NONE).files().get(0);
        assertEquals(FileStatus.REJECTED, rejected.status());
        assertTrue(rejected.reasons().get(0).contains("over the -1.0 dBTP ceiling (over_ceiling = reject)"), rejected.reasons().toString());
        assertFalse(Files.exists(root.resolve("out/main/spike.wav")), "the earlier output must be removed");
    }

    @Test
    void flacOutputAndSilenceTrimming() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        AudioBuffer m = Fixtures.music(48000, 6, 21);
        int pad = 48000; // one second of digital silence at each end
        float[][] s = new float[2][m.frames() + 2 * pad];
        for (int c = 0; c < 2; c++) System.arraycopy(m.samples()[c], 0, s[c], pad, m.frames());
        Fixtures.write(raw.resolve("padded.flac"), new AudioBuffer(s, 48000), AudioEncoder.Format.FLAC_24);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("padded.flac")));
        ProcessSettings st = ProcessSettings.defaults().withOutputFormat(OutputFormat.FLAC).withTrimSilence(true);
        FileReport f = new ProcessJob(config().withSettings(st)).run(ProgressListener.NONE).files().get(0);
        assertTrue(f.status().accepted(), f.reasons().toString());
        assertTrue(f.output().endsWith("out/main/padded.flac"));
        assertEquals(2.0, f.trimmedSeconds(), 0.01);
        assertEquals(6.0, f.outputSeconds(), 0.01);
        assertEquals(-14.0, f.loudnessAfter().integratedLufs(), 0.1);
        assertEquals("flac", dev.lofilora.audio.io.AudioDecoder.read(Path.of(f.output()), 60).format().codec());
        assertEquals(24, dev.lofilora.audio.io.AudioDecoder.read(Path.of(f.output()), 60).format().bitDepth());
    }

    @Test
    void categoriesBecomeFoldersAndNamesComeFromTheEntry() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw/tier1"));
        Fixtures.write(raw.resolve("My Song (final).flac"), Fixtures.music(44100, 6, 31), AudioEncoder.Format.FLAC_16);
        Fixtures.write(raw.resolve("other.flac"), Fixtures.music(44100, 6, 32), AudioEncoder.Format.FLAC_16);
        Map<String, Object> e1 = Fixtures.entry("tier1/My Song (final).flac");
        e1.put("category", "chill");
        Map<String, Object> e2 = Fixtures.entry("tier1/other.flac");
        e2.put("name", "renamed-track");
        e2.put("category", "jazzy");
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(e1, e2));
        ProcessResult r = new ProcessJob(config()).run(ProgressListener.NONE);
        assertTrue(r.allAccepted(), r.files().toString());
        assertTrue(Files.isRegularFile(root.resolve("out/chill/My_Song__final_.wav")));
        assertTrue(Files.isRegularFile(root.resolve("out/jazzy/renamed-track.wav")));
    }

    @Test
    void outputsInsideTheRawFolderAreNotTakenForUnlistedSources() throws Exception {
        Path raw = Files.createDirectories(root.resolve("raw"));
        Fixtures.write(raw.resolve("a.flac"), Fixtures.music(44100, 6, 51), AudioEncoder.Format.FLAC_16);
        Fixtures.sources(root.resolve("meta/sources.json"), List.of(Fixtures.entry("a.flac")));
        ProcessConfig c = ProcessConfig.of(raw, raw.resolve("processed"), root.resolve("meta"));
        assertTrue(new ProcessJob(c).run(ProgressListener.NONE).allAccepted());
        ProcessResult again = new ProcessJob(c).run(ProgressListener.NONE);
        assertEquals(1, again.files().size(), again.files().toString());
        assertTrue(again.allAccepted());
    }
}
