package dev.lofilora.audio.io;

import dev.lofilora.audio.AudioBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class WavFileTest {
    @TempDir Path dir;

    @Test
    void roundTripsEachBitDepthWithinItsQuantisationStep() throws Exception {
        float[][] s = new float[2][4800];
        for (int i = 0; i < 4800; i++) {
            s[0][i] = (float) (0.7 * Math.sin(2 * Math.PI * 440 * i / 48000.0));
            s[1][i] = (float) (-0.3 * Math.sin(2 * Math.PI * 1000 * i / 48000.0));
        }
        AudioBuffer a = new AudioBuffer(s, 48000);
        for (int bits : new int[] {16, 24, 32}) {
            Path f = dir.resolve("x" + bits + ".wav");
            WavFile.write(f, a, bits);
            WavFile.Info info = WavFile.info(f);
            assertEquals(2, info.channels());
            assertEquals(48000, info.sampleRate());
            assertEquals(4800, info.frames());
            AudioBuffer b = WavFile.read(f);
            double step = bits == 32 ? 0 : 1.0 / (1 << (bits - 1));
            for (int c = 0; c < 2; c++)
                for (int i = 0; i < 4800; i++)
                    assertEquals(s[c][i], b.samples()[c][i], step * 0.51 + 1e-9, bits + "-bit sample " + i);
        }
    }

    @Test
    void fullScaleClipsInsteadOfWrapping() throws Exception {
        AudioBuffer a = new AudioBuffer(new float[][] {{1.5f, -1.5f, 1f}}, 8000);
        Path f = dir.resolve("clip.wav");
        WavFile.write(f, a, 24);
        float[] r = WavFile.read(f).samples()[0];
        assertTrue(r[0] > 0.9999f && r[1] <= -1f && r[2] > 0.9999f);
    }
}
