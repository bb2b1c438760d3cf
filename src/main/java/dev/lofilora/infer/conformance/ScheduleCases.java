package dev.lofilora.infer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.infer.sampler.FlowMatchGrid;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import dev.lofilora.infer.sampler.OssSteps;
import dev.lofilora.infer.sampler.SchedulerType;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;

/**
 * {@code sched.*}: the constructor grid, {@code set_timesteps(N)} of each scheduler for every N of
 * {@code sched_N}, and the {@code oss_steps} remapping in both pipeline dtypes for the schedulers that take σ.
 */
final class ScheduleCases {
    private ScheduleCases() {}

    static void run(SamplerGolden g) {
        FlowMatchGrid grid = FlowMatchGrid.aceStep();
        g.putFloats("sched.init.sigmas", grid.trainingSigmas());
        g.putFloats("sched.init.timesteps", grid.trainingTimesteps());
        g.putScalar("sched.init.sigma_min", grid.sigmaMin());
        g.putScalar("sched.init.sigma_max", grid.sigmaMax());

        JsonNode ns = g.config.get("sched_N");
        if (ns != null) {
            for (int n : SamplerGolden.ints(ns)) {
                for (SchedulerType type : SchedulerType.values()) {
                    String p = "sched." + type.id() + ".N" + n + ".";
                    try (FlowMatchScheduler s = type.create(grid, g.device)) {
                        s.setTimesteps(n);
                        g.putFloats(p + "timesteps", s.timesteps());
                        g.putFloats(p + "sigmas", s.sigmas());
                    }
                }
            }
        }

        JsonNode oss = g.config.get("oss_steps");
        if (oss == null || oss.isEmpty()) return;
        List<Integer> steps = SamplerGolden.ints(oss);
        for (SchedulerType type : SchedulerType.values()) {
            if (!type.acceptsCustomSigmas()) continue;
            for (String dt : new String[] {"bf16", "f32"}) {
                String p = "sched.oss." + type.id() + "." + dt + ".";
                if (!g.expectsAny(p)) continue;
                ScalarType dtype = g.dtype(dt, "sched.oss");
                try (FlowMatchScheduler s = type.create(grid, g.device)) {
                    OssSteps.Remap r = OssSteps.apply(s, steps, dtype);
                    g.put(p + "new_timesteps", r.newTimesteps());
                    g.putFloats(p + "sigmas_in", r.sigmasIn());
                    g.putFloats(p + "timesteps", s.timesteps());
                    g.putFloats(p + "sigmas", s.sigmas());
                    g.putLong(p + "num_inference_steps", s.numInferenceSteps());
                }
            }
        }
    }
}
