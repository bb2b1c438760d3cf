package dev.lofilora.infer.conformance;

import dev.lofilora.infer.sampler.FlowMatchGrid;
import dev.lofilora.infer.sampler.FlowMatchScheduler;
import dev.lofilora.infer.sampler.NoiseSource;
import dev.lofilora.infer.sampler.OmegaShift;
import dev.lofilora.infer.sampler.SchedulerType;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code steps.*}: trajectories of {@code step_N} calls (2·step_N − 1 for Heun) of each scheduler from the stored
 * initial sample and model outputs, for every ω of {@code omegas}, in float32 and bf16. PingPong replays the stored
 * noise of its j-th draw.
 */
final class StepCases {
    private StepCases() {}

    static void run(SamplerGolden g) {
        if (g.config.get("step_N") == null) return;
        int n = g.field(g.config, "step_N", "").asInt();
        double[] omegas = SamplerGolden.doubles(g.field(g.config, "omegas", ""));
        FlowMatchGrid grid = FlowMatchGrid.aceStep();
        for (double omega : omegas) {
            g.putScalar("steps.omega_rescaled.w" + SamplerGolden.pyG(omega), OmegaShift.rescale(omega));
        }
        for (SchedulerType type : SchedulerType.values()) {
            try (FlowMatchScheduler s = type.create(grid, g.device)) {
                s.setTimesteps(n);
                g.putFloats("steps." + type.id() + ".timesteps", s.timesteps());
            }
            for (String dt : new String[] {"f32", "bf16"}) {
                for (double omega : omegas) trajectory(g, grid, type, n, dt, omega);
            }
        }
    }

    private static void trajectory(SamplerGolden g, FlowMatchGrid grid, SchedulerType type, int n, String dt,
                                   double omega) {
        String p = "steps." + type.id() + "." + dt + ".w" + SamplerGolden.pyG(omega) + ".prev_sample.";
        if (!g.expectsAny(p)) return;
        String suffix = dt.equals("f32") ? "" : "_" + dt;
        int[] draws = {0};
        NoiseSource stored = like -> g.input("steps.pingpong.noise." + draws[0]++);
        try (FlowMatchScheduler s = type.create(grid, g.device)) {
            s.setTimesteps(n);
            Tensor sample = g.input("steps.x0" + suffix);
            float[] timesteps = s.timesteps();
            for (int j = 0; j < timesteps.length; j++) {
                Tensor v = g.input("steps.model_output" + suffix + "." + j);
                sample = s.step(v, timesteps[j], sample, omega, stored);
                g.put(p + j, sample);
            }
        }
    }
}
