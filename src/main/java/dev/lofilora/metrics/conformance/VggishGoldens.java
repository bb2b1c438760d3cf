package dev.lofilora.metrics.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.conformance.ConformanceContext;
import dev.lofilora.conformance.SuiteResult;
import dev.lofilora.metrics.vggish.Vggish;
import dev.lofilora.metrics.vggish.VggishConfig;
import dev.lofilora.metrics.vggish.VggishFrontEnd;
import dev.lofilora.nn.Capture;
import dev.lofilora.tensor.SafetensorsFile;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;

import static dev.lofilora.metrics.conformance.MetricsConformanceSuite.IO;
import static dev.lofilora.metrics.conformance.MetricsConformanceSuite.input;

/** The {@code vggish_frontend} and {@code vggish} components. */
final class VggishGoldens {
    private VggishGoldens() {}

    static void frontEnd(JsonNode config, Path folder, SafetensorsFile io, SuiteResult.Builder out) {
        VggishFrontEnd fe = new VggishFrontEnd(VggishConfig.parse(config, folder.resolve("config.json")));
        Tensor wave = input(io, "waveform");                                  // [n] or [n, channels]
        float[] mono;
        if (wave.dim() == 1) {
            mono = Tensors.toFloatArray(wave);
        } else {
            int channels = (int) wave.size(1);
            float[][] ch = new float[channels][];
            for (int c = 0; c < channels; c++) ch[c] = Tensors.toFloatArray(wave.select(1, c));
            mono = VggishFrontEnd.mono(ch);
        }
        VggishFrontEnd.Features f = fe.features(mono);
        out.put(IO, "stft_magnitude", f.stftMagnitude()).put(IO, "mel_matrix", fe.melMatrixTensor())
                .put(IO, "log_mel", f.logMel()).put(IO, "examples", f.examples());
    }

    static void network(JsonNode config, Path folder, SafetensorsFile io, ConformanceContext ctx, SuiteResult.Builder out) {
        VggishConfig c = VggishConfig.parse(config, folder.resolve("config.json"));
        Vggish model = new Vggish(c);
        Weights.load(model, folder, "", "VGGish network", ctx);
        try (NoGradGuard g = new NoGradGuard()) {
            Capture.Recorder rec = new Capture.Recorder();
            Tensor emb = model.forward(input(io, "examples").to(ctx.device(), org.bytedeco.pytorch.global.torch.ScalarType.Float), rec);
            out.put(IO, "features", rec.tensors().get("features")).put(IO, "embeddings", emb);
        }
    }
}
