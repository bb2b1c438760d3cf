package dev.lofilora.audio.qc;

import dev.lofilora.audio.AudioBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.lofilora.audio.qc.QualityChecks.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each check triggered by its synthesised defect, and silent on a clean clip. */
class QualityChecksTest {
    private final QualityChecks qc = new QualityChecks(QcThresholds.defaults());

    private static CheckResult find(List<CheckResult> results, String check) {
        return results.stream().filter(r -> r.check().equals(check)).findFirst().orElseThrow();
    }

    @Test
    void cleanMusicLikeClipPassesEveryCheck() {
        AudioBuffer audio = QcSignals.quantise(QcSignals.clean(48000, 10, 1), 24);
        List<CheckResult> results = qc.run(audio, 24);
        assertEquals(List.of(DURATION, NON_FINITE, CLIPPING, SILENCE, LEADING_SILENCE, TRAILING_SILENCE, DC_OFFSET,
                MONO_IN_STEREO, PHASE_CORRELATION, BANDWIDTH, BIT_DEPTH), results.stream().map(CheckResult::check).toList());
        for (CheckResult r : results) assertEquals(Verdict.PASS, r.verdict(), r.toString());
        assertEquals(Verdict.PASS, QualityChecks.worst(results));
        assertEquals(10.0, find(results, DURATION).value(), 1e-9);
        assertEquals(0.0, find(results, SILENCE).value());
        assertEquals(0.0, find(results, LEADING_SILENCE).value());
        assertEquals(24.0, find(results, BIT_DEPTH).value());
        double r = find(results, PHASE_CORRELATION).value();
        assertTrue(r > 0.3 && r < 0.9, "correlation " + r);
        assertTrue(find(results, BANDWIDTH).value() > 23000, find(results, BANDWIDTH).toString());
    }

    @Test
    void clippedSineFailsAndAFewClipsWarn() {
        AudioBuffer hard = QcSignals.sine(48000, 10, 1.5, 0);
        for (float[] ch : hard.samples()) for (int i = 0; i < ch.length; i++) ch[i] = Math.max(-1f, Math.min(1f, ch[i]));
        CheckResult c = find(qc.run(hard, 0), CLIPPING);
        assertEquals(Verdict.FAIL, c.verdict());
        // every half cycle of a 997 Hz sine is one event per channel: 2 * 2 * 997 per second
        assertEquals(2 * 2 * 997 * 60.0, c.value(), 2 * 2 * 60.0);

        AudioBuffer few = QcSignals.sine(48000, 30, 0.5, 0);
        for (int k = 0; k < 2; k++) java.util.Arrays.fill(few.samples()[0], 48000 * (5 + 10 * k), 48000 * (5 + 10 * k) + 6, 1f);
        CheckResult w = find(qc.run(few, 0), CLIPPING);
        assertEquals(Verdict.WARN, w.verdict(), w.toString());
        assertEquals(4.0, w.value(), 1e-9); // 2 events in 0.5 min
        // runs shorter than clipMinRunSamples do not count
        AudioBuffer three = QcSignals.sine(48000, 30, 0.5, 0);
        java.util.Arrays.fill(three.samples()[0], 48000, 48003, 1f);
        assertEquals(0.0, find(qc.run(three, 0), CLIPPING).value());
    }

    @Test
    void dcOffsetWarnsThenFails() {
        CheckResult warn = find(qc.run(QcSignals.sine(48000, 10, 0.5, 0.01), 0), DC_OFFSET);
        assertEquals(Verdict.WARN, warn.verdict());
        assertEquals(0.01, warn.value(), 1e-4);
        CheckResult fail = find(qc.run(QcSignals.sine(48000, 10, 0.5, -0.05), 0), DC_OFFSET);
        assertEquals(Verdict.FAIL, fail.verdict());
        assertEquals(0.05, fail.value(), 1e-4);
    }

    @Test
    void identicalChannelsAreMonoInStereo() {
        AudioBuffer clean = QcSignals.clean(48000, 10, 2);
        AudioBuffer mono = new AudioBuffer(new float[][] {clean.samples()[0], clean.samples()[0].clone()}, 48000);
        List<CheckResult> results = qc.run(mono, 0);
        assertEquals(Verdict.WARN, find(results, MONO_IN_STEREO).verdict());
        assertEquals(1.0, find(results, MONO_IN_STEREO).value(), 1e-9);
        assertEquals(Verdict.PASS, find(results, PHASE_CORRELATION).verdict());
    }

    @Test
    void invertedChannelFailsPhaseCorrelation() {
        AudioBuffer clean = QcSignals.clean(48000, 10, 3);
        float[] l = clean.samples()[0], r = new float[l.length];
        for (int i = 0; i < l.length; i++) r[i] = -l[i];
        List<CheckResult> results = qc.run(new AudioBuffer(new float[][] {l, r}, 48000), 0);
        assertEquals(Verdict.FAIL, find(results, PHASE_CORRELATION).verdict());
        assertEquals(-1.0, find(results, PHASE_CORRELATION).value(), 1e-9);
        assertEquals(Verdict.PASS, find(results, MONO_IN_STEREO).verdict());
    }

    @Test
    void bandwidthFlagsLowPassedAndUpsampledContent() {
        CheckResult at16 = find(qc.run(QcSignals.lowPassedNoise(48000, 18, 15500, 4), 0), BANDWIDTH);
        assertEquals(Verdict.FAIL, at16.verdict(), at16.toString());
        assertEquals(15500, at16.value(), 250);
        CheckResult at18 = find(qc.run(QcSignals.lowPassedNoise(48000, 18, 18000, 5), 0), BANDWIDTH);
        assertEquals(Verdict.WARN, at18.verdict(), at18.toString());
        assertEquals(18000, at18.value(), 250);
        CheckResult up = find(qc.run(QcSignals.lowPassedNoise(96000, 19, 22000, 6), 0), BANDWIDTH);
        assertEquals(Verdict.WARN, up.verdict(), up.toString());
        assertEquals(22000, up.value(), 250);
        CheckResult full96 = find(qc.run(QcSignals.lowPassedNoise(96000, 19, 40000, 7), 0), BANDWIDTH);
        assertEquals(Verdict.PASS, full96.verdict(), full96.toString());
    }

    @Test
    void sixteenBitContentInA24BitContainerWarns() {
        AudioBuffer audio = QcSignals.quantise(QcSignals.clean(48000, 6, 8), 16);
        CheckResult in24 = find(qc.run(audio, 24), BIT_DEPTH);
        assertEquals(Verdict.WARN, in24.verdict());
        assertEquals(16.0, in24.value());
        CheckResult in16 = find(qc.run(audio, 16), BIT_DEPTH);
        assertEquals(Verdict.PASS, in16.verdict());
        assertEquals(16.0, in16.value());
        CheckResult lossy = find(qc.run(audio, 0), BIT_DEPTH);
        assertEquals(Verdict.PASS, lossy.verdict());
        // float data in a "24-bit" claim is off the grid: not measured rather than misread
        assertEquals(Verdict.PASS, find(qc.run(QcSignals.clean(48000, 6, 8), 24), BIT_DEPTH).verdict());
    }

    @Test
    void leadingAndTrailingSilenceAreMeasuredToTheSample() {
        AudioBuffer body = QcSignals.clean(48000, 6, 9);
        AudioBuffer audio = QcSignals.padded(body, 3.0, 2.5);
        List<CheckResult> results = qc.run(audio, 0);
        assertEquals(Verdict.WARN, find(results, LEADING_SILENCE).verdict());
        assertEquals(3.0, find(results, LEADING_SILENCE).value(), 1e-9);
        assertEquals(Verdict.WARN, find(results, TRAILING_SILENCE).verdict());
        assertEquals(2.5, find(results, TRAILING_SILENCE).value(), 1e-3);
        int[] b = QualityChecks.silenceBounds(audio, -60.0);
        assertEquals(3 * 48000, b[0]);
        // the clip's last sample above -60 dBFS is at most a few samples from its end
        assertTrue(b[1] <= 3 * 48000 + body.frames() && b[1] > 3 * 48000 + body.frames() - 5, "end " + b[1]);
        assertArrayEquals(new int[] {0, 0}, QualityChecks.silenceBounds(new AudioBuffer(new float[2][4800], 48000), -60));
        // 1.5 s is under the 2 s warning
        assertEquals(Verdict.PASS, find(qc.run(QcSignals.padded(body, 1.5, 0), 0), LEADING_SILENCE).verdict());
    }

    @Test
    void mostlySilentFileFails() {
        AudioBuffer audio = QcSignals.padded(QcSignals.clean(48000, 2, 10), 0, 8);
        CheckResult s = find(qc.run(audio, 0), SILENCE);
        assertEquals(Verdict.FAIL, s.verdict());
        assertEquals(0.8, s.value(), 0.01);
        AudioBuffer some = QcSignals.padded(QcSignals.clean(48000, 6, 10), 0, 4);
        assertEquals(Verdict.WARN, find(qc.run(some, 0), SILENCE).verdict());
    }

    @Test
    void nanSamplesFailAndDoNotPoisonOtherChecks() {
        AudioBuffer audio = QcSignals.clean(48000, 6, 11);
        audio.samples()[1][1000] = Float.NaN;
        audio.samples()[0][2000] = Float.POSITIVE_INFINITY;
        List<CheckResult> results = qc.run(audio, 0);
        assertEquals(Verdict.FAIL, find(results, NON_FINITE).verdict());
        assertEquals(2.0, find(results, NON_FINITE).value());
        for (CheckResult r : results) assertTrue(Double.isFinite(r.value()), r.toString());
        assertEquals(Verdict.PASS, find(results, PHASE_CORRELATION).verdict());
    }

    @Test
    void durationBounds() {
        assertEquals(Verdict.FAIL, find(qc.run(QcSignals.clean(48000, 2, 12), 0), DURATION).verdict());
        float[] long8k = new float[8000 * 901];
        java.util.Random rnd = new java.util.Random(13);
        for (int i = 0; i < long8k.length; i++) long8k[i] = (float) (0.1 * rnd.nextGaussian());
        CheckResult tooLong = find(qc.run(new AudioBuffer(new float[][] {long8k}, 8000), 0), DURATION);
        assertEquals(Verdict.FAIL, tooLong.verdict());
        assertEquals(901.0, tooLong.value(), 1e-9);
        assertEquals(Verdict.PASS, find(qc.run(QcSignals.clean(48000, 5, 12), 0), DURATION).verdict());
    }

    @Test
    void monoAndEmptyInputsGiveDefinedResults() {
        AudioBuffer clean = QcSignals.clean(48000, 6, 14);
        List<CheckResult> mono = qc.run(new AudioBuffer(new float[][] {clean.samples()[0]}, 48000), 0);
        assertEquals(Verdict.PASS, find(mono, MONO_IN_STEREO).verdict());
        assertTrue(find(mono, MONO_IN_STEREO).detail().contains("not applicable"));
        assertEquals(Verdict.PASS, QualityChecks.worst(mono));

        List<CheckResult> empty = qc.run(new AudioBuffer(new float[2][0], 48000), 16);
        assertEquals(11, empty.size());
        assertEquals(Verdict.FAIL, find(empty, DURATION).verdict());
        assertEquals(Verdict.FAIL, find(empty, SILENCE).verdict());
        for (CheckResult r : empty) assertTrue(Double.isFinite(r.value()), r.toString());
    }
}
