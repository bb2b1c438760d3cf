package dev.lofilora.infer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.LofiException;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.guidance.GuidanceWindow;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * {@code interval.<case>.*}: the flags, the scheduler's timesteps (plain or {@code oss_steps}, pipeline dtype bf16),
 * the guidance window and the decayed scale at every loop index — or {@code raises = 1} where the original raises
 * ({@code oss_steps} with Heun; a one-step window with decay).
 */
final class IntervalCases {
    private IntervalCases() {}

    static void run(SamplerGolden g) {
        JsonNode cases = g.config.get("interval_cases");
        if (cases == null) return;
        for (JsonNode c : cases) {
            PipelineCase pc = PipelineCase.read(g, c, "interval_cases");
            String p = "interval." + pc.name() + ".";
            GuidanceSettings gs = pc.settings().guidance();
            FlowMatchScheduler s;
            try {
                s = pc.settings().newScheduler(g.device, ScalarType.BFloat16);
            } catch (LofiException e) {
                g.putLong(p + "raises", 1);
                continue;
            }
            try (s) {
                int n = s.numInferenceSteps();
                float[] timesteps = s.timesteps();
                try {
                    gs.check(n, timesteps.length);
                } catch (LofiException e) {
                    g.putLong(p + "raises", 1);
                    continue;
                }
                GuidanceWindow w = gs.window(n);
                long[] guided = new long[timesteps.length];
                double[] scale = new double[timesteps.length];
                for (int i = 0; i < timesteps.length; i++) {
                    guided[i] = gs.guided(i, w) ? 1 : 0;
                    scale[i] = guided[i] == 1 ? gs.scaleAt(i, w) : Double.NaN;
                }
                g.putLong(p + "raises", 0);
                g.putLong(p + "num_inference_steps", n);
                g.putLong(p + "n_iter", timesteps.length);
                g.putLong(p + "start_idx", w.start());
                g.putLong(p + "end_idx", w.end());
                g.putLong(p + "do_cfg", gs.doClassifierFreeGuidance() ? 1 : 0);
                g.putLong(p + "do_double", gs.doDoubleCondition() ? 1 : 0);
                g.putLongs(p + "guided", guided);
                g.putDoubles(p + "scale", scale);
                g.putFloats(p + "timesteps", timesteps);
            }
        }
    }
}
