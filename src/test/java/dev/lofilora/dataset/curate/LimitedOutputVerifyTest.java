package dev.lofilora.dataset.curate;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.io.AudioEncoder;
import dev.lofilora.audio.io.Resampler;
import dev.lofilora.audio.io.WavFile;
import dev.lofilora.audio.loudness.LoudnessMeter;
import dev.lofilora.audio.loudness.LoudnessReport;
import dev.lofilora.audio.qc.QcThresholds;
import dev.lofilora.audio.qc.QualityChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A limited track's first limiter run is not measured by the limiter: the read-back verification of the written file
 * decides. Both ways through must end with a file on target and under the ceiling whose recorded hash and reading are
 * those of the bytes on disk: the usual one (accepted at once) and the re-run (forced here with a first-run tolerance
 * of 0: the limiter runs again measuring its own output, and the file is written and verified again).
 */
class LimitedOutputVerifyTest {
    @TempDir
    Path root;

    @Test
    void firstRunIsCheckedByTheReadBackAndReRunWhenOff() throws Exception {
        ProcessSettings settings = ProcessSettings.defaults();
        // music-like: limited, and the aimed gain lands within the tolerance on the first run (the usual case)
        Path music = root.resolve("music.flac");
        Fixtures.write(music, Fixtures.music(44100, 30, 5), AudioEncoder.Format.FLAC_16);
        TrackProcessor.Work usual = run(settings, music, root.resolve("usual/music.wav"), TrackProcessor.LOUDNESS_TOLERANCE_LU);
        assertEquals(1, usual.limiter.runs(), "one limiter run, checked by the read-back");

        // a short quiet pad with a full-scale spike (8 s: too short for the aimed gain, so the first run reads low)
        AudioBuffer m = Fixtures.music(48000, 8, 5);
        float[][] s = m.samples();
        for (int c = 0; c < 2; c++) for (int i = 0; i < s[c].length; i++) s[c][i] *= 0.3f;
        s[0][150_000] = 0.95f;
        s[1][150_001] = -0.95f;
        Path spike = root.resolve("spike.wav");
        Fixtures.write(spike, m, AudioEncoder.Format.WAV_24);
        TrackProcessor.Work offTarget = run(settings, spike, root.resolve("spike/spike.wav"), TrackProcessor.LOUDNESS_TOLERANCE_LU);
        assertTrue(offTarget.limiter.runs() >= 2, "re-run after the read-back read it off target: " + offTarget.limiter.runs());

        // the re-run forced on the music too (a first-run tolerance of 0)
        TrackProcessor.Work forced = run(settings, music, root.resolve("forced/music.wav"), 0.0);
        assertTrue(forced.limiter.runs() >= 2, "runs " + forced.limiter.runs());
    }

    /**
     * An unlimited dense master: read back into the arrays it was written from, checked sample by sample against
     * them, and measured with the true-peak searches bounded by the measurement's block peaks. The reading is the
     * plain measurement of the file on disk, to the last bit.
     */
    @Test
    void anUnlimitedTrackIsVerifiedAgainstItsSourceAndReadsAsTheFileOnDisk() throws Exception {
        ProcessSettings settings = ProcessSettings.defaults();
        for (long seed : new long[] {3, 4}) {
            Path dense = root.resolve("dense" + seed + ".flac");
            Fixtures.write(dense, Fixtures.dense(44100, 20, seed), AudioEncoder.Format.FLAC_16);
            Path out = root.resolve("dense/dense" + seed + ".wav");
            TrackProcessor p = new TrackProcessor(settings, new QualityChecks(QcThresholds.defaults()),
                    Resampler.highQuality(), InputOpener.FILES, TrackProcessor.LOUDNESS_TOLERANCE_LU);
            TrackProcessor.Work w = new TrackProcessor.Work();
            p.process(dense, out, w);
            assertTrue(w.status.accepted(), w.reasons.toString()); // a short fixture may warn (a DC offset)
            assertTrue(!w.limiter.applied(), "the dense fixture is normalised down, not limited");
            assertTrue(w.verifiedAgainstSource, "the bounded read-back ran");
            assertEquals(LoudnessMeter.measure(WavFile.read(out)), w.after);
            assertEquals(OutputKeeper.sha256(out), w.outputSha256);
        }
    }

    private TrackProcessor.Work run(ProcessSettings settings, Path in, Path out, double firstRunTolerance)
            throws Exception {
        TrackProcessor p = new TrackProcessor(settings, new QualityChecks(QcThresholds.defaults()),
                Resampler.highQuality(), InputOpener.FILES, firstRunTolerance);
        TrackProcessor.Work w = new TrackProcessor.Work();
        p.process(in, out, w);
        assertTrue(w.status == FileStatus.OK, w.reasons.toString());
        assertTrue(w.limiter.applied());
        assertEquals(settings.targetLufs(), w.after.integratedLufs(), TrackProcessor.LOUDNESS_TOLERANCE_LU);
        assertTrue(w.after.truePeakDbtp() <= settings.ceilingDbtp(), "true peak " + w.after.truePeakDbtp());
        // what the report says is what is on disk: the reading and the hash of the file as it is now
        LoudnessReport again = LoudnessMeter.measure(WavFile.read(out));
        assertEquals(again, w.after);
        assertEquals(OutputKeeper.sha256(out), w.outputSha256);
        assertEquals(Files.size(out), w.outputBytes);
        return w;
    }
}
