package dev.lofilora.metrics.clap;

import dev.lofilora.SharedFiles;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tiny preset's front-end tensors equal those the original code saved in a checkpoint (torchlibrosa, librosa). */
class FrontEndWeightsTest {
    @Test
    void dftKernelsAndSlaneyMelMatchTheGoldenCheckpoint() {
        try (SafetensorsFile w = SafetensorsFile.open(SharedFiles.require("golden/metrics/A/htsat/weights.safetensors"))) {
            float[][] k = FrontEndWeights.dftKernels(1024);
            float[] re = Tensors.toFloatArray(w.tensor("audio_branch.spectrogram_extractor.stft.conv_real.weight"));
            float[] im = Tensors.toFloatArray(w.tensor("audio_branch.spectrogram_extractor.stft.conv_imag.weight"));
            float[] mel = Tensors.toFloatArray(w.tensor("audio_branch.logmel_extractor.melW"));
            float[] ours = FrontEndWeights.slaneyMel(48000, 1024, 64, 50, 14000);
            // float32 rounding of float64 formulas on both sides: a few ulp of values ≤ 1 (DFT) and ≤ 0.02 (mel).
            assertTrue(maxDiff(k[0], re) < 1e-6, "conv_real " + maxDiff(k[0], re));
            assertTrue(maxDiff(k[1], im) < 1e-6, "conv_imag " + maxDiff(k[1], im));
            assertTrue(maxDiff(ours, mel) < 1e-8, "melW " + maxDiff(ours, mel));
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        if (a.length != b.length) return Double.POSITIVE_INFINITY;
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
