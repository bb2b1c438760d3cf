package dev.lofilora.infer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.infer.guidance.Apg;
import dev.lofilora.infer.guidance.Cfg;
import dev.lofilora.infer.guidance.CfgZeroStar;
import dev.lofilora.infer.guidance.DoubleCondition;
import dev.lofilora.infer.guidance.MomentumBuffer;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * {@code guidance.*}: each rule over the {@code guidance.S} stored steps, in float32 and bf16, with the pipeline's
 * keyword arguments; APG shares one momentum buffer across the S steps of a dtype.
 */
final class GuidanceCases {
    private GuidanceCases() {}

    static void run(SamplerGolden g) {
        JsonNode cfg = g.config.get("guidance");
        if (cfg == null) return;
        int steps = g.field(cfg, "S", "guidance").asInt();
        int zeroSteps = g.field(cfg, "zero_steps", "guidance").asInt();
        boolean zeroInit = g.field(cfg, "use_zero_init", "guidance").asBoolean();
        DoubleCondition dc = new DoubleCondition(g.field(cfg, "guidance_scale_text", "guidance").asDouble(),
                g.field(cfg, "guidance_scale_lyric", "guidance").asDouble());
        double[] scale = Tensors.toDoubleArray(g.input("guidance.scale"));
        for (String dt : new String[] {"f32", "bf16"}) {
            String in = dt.equals("f32") ? "" : "_" + dt;
            String p = "guidance.";
            try (MomentumBuffer buffer = new MomentumBuffer()) {
                Apg apg = new Apg(buffer);
                Cfg plain = new Cfg();
                CfgZeroStar star = new CfgZeroStar(zeroSteps, zeroInit);
                for (int i = 0; i < steps; i++) {
                    Tensor cond = g.input("guidance.cond" + in + "." + i);
                    Tensor uncond = g.input("guidance.uncond" + in + "." + i);
                    g.put(p + "apg." + dt + ".out." + i, apg.apply(cond, uncond, scale[i], i));
                    g.put(p + "apg." + dt + ".running_average." + i, buffer.runningAverage());
                    g.put(p + "cfg." + dt + ".out." + i, plain.apply(cond, uncond, scale[i], i));
                    g.put(p + "cfg_star." + dt + ".out." + i, star.apply(cond, uncond, scale[i], i));
                    if (g.expects(p + "double." + dt + ".out." + i)) {
                        g.put(p + "double." + dt + ".out." + i,
                                dc.apply(cond, uncond, g.input("guidance.text" + in + "." + i)));
                    }
                }
            }
        }
    }
}
