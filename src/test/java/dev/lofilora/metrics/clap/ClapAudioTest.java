package dev.lofilora.metrics.clap;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** CLAP's audio preparation: int16 round trip (truncating), repeatpad, deterministic windows. */
class ClapAudioTest {
    @Test
    void quantizeTruncatesTowardZeroAndClips() {
        float[] q = ClapAudio.quantize(new float[] {0.99999f, -0.5f, 1.5f, -2f, 0.1f});
        assertEquals(32766 / 32767.0, q[0], 1e-9, "0.99999·32767 = 32766.67 truncates to 32766");
        assertEquals(-16383 / 32767.0, q[1], 1e-9, "−16383.5 truncates toward zero");
        assertEquals(1.0f, q[2]);
        assertEquals(-1.0f, q[3]);
        assertEquals((float) (3276 / 32767.0), q[4], "0.1·32767 = 3276.7 → 3276");
    }

    @Test
    void repeatPadRepeatsWholeCopiesThenZeros() {
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 0}, ClapAudio.repeatPad(new float[] {1, 2, 3}, 10));
        assertArrayEquals(new float[] {1, 2}, ClapAudio.repeatPad(new float[] {1, 2, 3}, 2));
    }

    @Test
    void windowsStartEveryHopAndZeroPadTheTail() {
        float[] x = new float[25];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        List<float[]> w = ClapAudio.windows(x, 10, 10);
        assertEquals(3, w.size());
        assertEquals(ClapAudio.windowCount(25, 10, 10), w.size());
        assertEquals(21, w.get(2)[0]);
        assertEquals(25, w.get(2)[4]);
        assertEquals(0, w.get(2)[5], "the tail window is zero-padded (fadtk)");
        assertEquals(25, ClapAudio.windows(x, 10, 1).size(), "fadtk's 1-sample (1-s) hop: a window per start");
        List<float[]> one = ClapAudio.windows(new float[] {5, 6, 7}, 8, 2);
        assertEquals(1, one.size(), "a clip no longer than a window is one repeat-padded window");
        assertArrayEquals(new float[] {5, 6, 7, 5, 6, 7, 0, 0}, one.get(0));
    }
}
