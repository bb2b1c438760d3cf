package dev.lofilora.infer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.infer.DenoisingLoop;
import dev.lofilora.infer.Denoiser;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import dev.lofilora.infer.sampler.NoiseSource;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * {@code loop.<case>.*}: the whole denoising loop ({@link DenoisingLoop}, the production code) replayed on the stored
 * transformer outputs {@code model_out.{i}.{cond,null,no_lyric}} and, for PingPong, the stored noise; the latent
 * after every iteration, every guided prediction, the timesteps and the scale each guidance call received.
 */
final class LoopCases {
    private LoopCases() {}

    static void run(SamplerGolden g) {
        JsonNode cases = g.config.get("loop_cases");
        if (cases == null) return;
        for (JsonNode c : cases) {
            PipelineCase pc = PipelineCase.read(g, c, "loop_cases");
            String name = pc.name();
            String p = "loop." + name + ".";
            if (!g.expectsAny(p)) continue;
            ScalarType dtype = g.dtype(g.field(c, "dtype", "loop_cases \"" + name + "\"").asText(), "loop case " + name);
            Denoiser replay = (kind, latents, timestep, i) -> g.input(p + "model_out." + i + "." + kind.id());
            int[] draws = {0};
            NoiseSource noise = like -> g.input(p + "pingpong_noise." + draws[0]++);
            try (FlowMatchScheduler s = pc.settings().newScheduler(g.device, dtype)) {
                int iterations = s.timesteps().length;
                long[] guided = new long[iterations];
                double[] scale = new double[iterations];
                DenoisingLoop loop = new DenoisingLoop(s, pc.settings().guidance(), pc.settings().omegaScale());
                Tensor init = g.input(p + "init_latents");
                Tensor last = loop.run(init, replay, noise, step -> {
                    guided[step.i()] = step.guided() ? 1 : 0;
                    scale[step.i()] = step.scale();
                    if (step.guided()) g.put(p + "noise_pred." + step.i(), step.noisePred());
                    g.put(p + "latents." + (step.i() + 1), step.latents());
                    g.putScalarFloat(p + "timestep." + step.i(), step.timestep());
                });
                g.put(p + "latents." + iterations, last);
                g.putLongs(p + "guided", guided);
                g.putDoubles(p + "scale", scale);
                g.putLong(p + "n_steps", iterations);
            }
        }
    }
}
