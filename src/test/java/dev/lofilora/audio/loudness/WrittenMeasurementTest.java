package dev.lofilora.audio.loudness;

import dev.lofilora.audio.AudioBuffer;
import dev.lofilora.audio.Parallel;
import dev.lofilora.audio.io.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LoudnessMeter#measureWritten}: the verification of a written output that bounds its true-peak searches with
 * the source's block peaks reads exactly what a plain measurement of the file reads, computes far fewer blocks on a
 * dense master, needs its rounding margin, and falls back to the plain measurement when the file is not the source
 * times the gain.
 */
class WrittenMeasurementTest {
    private static final int RATE = 48000;
    private static final Parallel TWO = new Parallel(2, ForkJoinPool.commonPool());

    @TempDir
    Path dir;

    @Test
    void aDenseMasterReadsTheSameAsAPlainMeasurementFromAFewBlocks() throws IOException {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 6; trial++) {
            AudioBuffer source = dense(rnd, 12);
            Measurement m = LoudnessMeter.measureKeeping(source, trial % 2 == 0 ? Parallel.SERIAL : TWO);
            // from well under the ceiling up to a true peak just under full scale
            double gainDb = -m.report().truePeakDbtp() - 0.05 - 6 * rnd.nextDouble();
            float gain = (float) Math.pow(10, gainDb / 20);
            Path file = dir.resolve("t" + trial + ".wav");
            WavFile.write(file, source, 24, gain);
            float[] deviation = new float[1];
            AudioBuffer written = WavFile.readOver(file, source.samples(), gain, deviation);
            assertTrue(deviation[0] <= LoudnessMeter.WRITTEN_DEVIATION, "deviation " + deviation[0]);
            LoudnessReport plain = LoudnessMeter.measure(WavFile.read(file));
            assertEquals(plain, LoudnessMeter.measureWritten(written, m, gain, deviation[0], Parallel.SERIAL),
                    "trial " + trial);
            assertEquals(plain, LoudnessMeter.measureWritten(written, m, gain, deviation[0], TWO), "trial " + trial);

            // the blocks a search must compute (bound over the final peak): a handful against one in ten or more
            KWeightedEnergy e = KWeightedEnergy.of(written, dev.lofilora.audio.dsp.Dsp.kernels(), true);
            double peak = Math.pow(10, Math.max(plain.truePeakItuDbtp(), plain.truePeakEbur128Dbtp()) / 20);
            int over = 0, overTight = 0, blocks = 0;
            for (int c = 0; c < 2; c++) {
                BlockStats own = e.blockStats(written, c);
                BlockStats tight = own.tightened(m.blockPeaks()[c], gain, LoudnessMeter.writtenMargin());
                for (int b = 0; b < own.blocks(); b++) {
                    if (own.bound[b] > peak) over++;
                    if (tight.bound[b] > peak) overTight++;
                    assertTrue(!(tight.bound[b] > own.bound[b]), "a tightened bound is never looser");
                }
                blocks += own.blocks();
            }
            assertTrue(over > blocks / 20, over + " of " + blocks + " blocks over the peak by their own bound");
            assertTrue(overTight < blocks / 1000, overTight + " of " + blocks + " over it by the tightened bound");
        }
    }

    /**
     * A quiet clipped wave, every block peaking within about a 24-bit step of the others (at this level a step is far
     * larger than a float's rounding): the rounding to 24 bits lifts many written blocks over gain times their
     * source's peak, so a bound without the rounding margin would not hold (the search could skip the block with
     * the true peak). Every block a plain search computes stays within the bound with the margin, and the readings
     * are the plain measurement's.
     */
    @Test
    void theBoundsHoldOnlyWithTheRoundingMargin() throws IOException {
        Random rnd = new Random(6);
        int overWithoutMargin = 0;
        for (int trial = 0; trial < 8; trial++) {
            int frames = RATE * 2;
            float[][] s = new float[2][frames];
            double phase = rnd.nextDouble() * 2 * Math.PI;
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < frames; i++) {
                    double v = Math.max(-0.7, Math.min(0.7, 1.4 * Math.sin(2 * Math.PI * i / 48.0 + phase + c)));
                    s[c][i] = (float) (v + 1.5e-6 * rnd.nextGaussian());
                }
            }
            AudioBuffer source = new AudioBuffer(s, RATE);
            Measurement m = LoudnessMeter.measureKeeping(source, Parallel.SERIAL);
            float gain = (float) (0.02 + 0.01 * rnd.nextDouble());
            Path file = dir.resolve("c" + trial + ".wav");
            WavFile.write(file, source, 24, gain);
            float[] deviation = new float[1];
            AudioBuffer written = WavFile.readOver(file, source.samples(), gain, deviation);
            assertEquals(LoudnessMeter.measure(WavFile.read(file)),
                    LoudnessMeter.measureWritten(written, m, gain, deviation[0], Parallel.SERIAL), "trial " + trial);

            KWeightedEnergy e = KWeightedEnergy.of(written, dev.lofilora.audio.dsp.Dsp.kernels(), true);
            for (int c = 0; c < 2; c++) {
                BlockStats own = e.blockStats(written, c);
                float[] exact = own.bound.clone(); // the written blocks' exact maxima, where a plain search computes
                TruePeakFilter.peaks(TruePeakFilter.itu(), TruePeakFilter.ebur128(RATE), written.samples()[c], own, 0,
                        0, dev.lofilora.audio.dsp.Dsp.kernels(), exact);
                float[] with = own.tightened(m.blockPeaks()[c], gain, LoudnessMeter.writtenMargin()).bound;
                float[] without = own.tightened(m.blockPeaks()[c], gain, 0.0).bound;
                for (int b = 0; b < exact.length; b++) {
                    if (exact[b] == own.bound[b]) continue; // not computed
                    assertTrue(exact[b] <= with[b], "trial " + trial + " block " + b + ": " + exact[b] + " over "
                            + with[b]);
                    if (exact[b] > without[b]) overWithoutMargin++;
                }
            }
        }
        assertTrue(overWithoutMargin > 0, "no block needed the margin: the test would not notice it missing");
    }

    @Test
    void aFileThatIsNotTheSourceTimesTheGainIsMeasuredInFull() throws IOException {
        Random rnd = new Random(7);
        AudioBuffer source = dense(rnd, 4);
        Measurement m = LoudnessMeter.measureKeeping(source, Parallel.SERIAL);
        float gain = 0.5f;
        Path file = dir.resolve("changed.wav");
        // another signal on disk in place of the output (a file changed between the write and the read-back)
        AudioBuffer other = dense(new Random(8), 4);
        WavFile.write(file, other, 24, gain);
        float[] deviation = new float[1];
        AudioBuffer written = WavFile.readOver(file, source.samples(), gain, deviation);
        assertTrue(deviation[0] > LoudnessMeter.WRITTEN_DEVIATION, "deviation " + deviation[0]);
        LoudnessReport plain = LoudnessMeter.measure(WavFile.read(file));
        assertEquals(plain, LoudnessMeter.measureWritten(written, m, gain, deviation[0], Parallel.SERIAL));
        // what the fallback prevents: the source's block peaks say nothing about this file, and would skip its peak
        assertTrue(!plain.equals(LoudnessMeter.measureWritten(written, m, gain, 0f, Parallel.SERIAL)),
                "the source's bounds do not hold for another signal");
    }

    /** A dense master: a tone under noise, driven into a soft clipper (little dynamic range, many near-peak blocks). */
    private static AudioBuffer dense(Random rnd, int seconds) {
        int frames = RATE * seconds;
        float[][] s = new float[2][frames];
        for (int c = 0; c < 2; c++) {
            double lp = 0;
            for (int i = 0; i < frames; i++) {
                lp = 0.7 * lp + 0.3 * rnd.nextGaussian();
                double v = 0.5 * Math.sin(2 * Math.PI * 220 * i / RATE) + 0.6 * lp;
                s[c][i] = (float) (0.9 * Math.tanh(2.5 * v));
            }
        }
        return new AudioBuffer(s, RATE);
    }
}
