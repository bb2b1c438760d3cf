package dev.lofilora.infer.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.infer.SamplingSettings;
import dev.lofilora.infer.guidance.CfgType;
import dev.lofilora.infer.guidance.GuidanceSettings;
import dev.lofilora.infer.sampler.SchedulerType;

/** An {@code interval_cases} or {@code loop_cases} entry of config.json, as the pipeline's arguments. */
record PipelineCase(String name, SamplingSettings settings) {
    static PipelineCase read(SamplerGolden g, JsonNode c, String where) {
        String name = g.field(c, "name", where).asText();
        String in = where + " \"" + name + "\"";
        CfgType cfgType = c.has("cfg_type") ? CfgType.parse(c.get("cfg_type").asText()) : CfgType.APG;
        int zeroSteps = c.has("zero_steps") ? c.get("zero_steps").asInt() : 1;
        boolean zeroInit = !c.has("use_zero_init") || c.get("use_zero_init").asBoolean();
        GuidanceSettings guidance = new GuidanceSettings(
                g.field(c, "guidance_scale", in).asDouble(),
                g.field(c, "guidance_interval", in).asDouble(),
                g.field(c, "guidance_interval_decay", in).asDouble(),
                g.field(c, "min_guidance_scale", in).asDouble(),
                c.has("guidance_scale_text") ? c.get("guidance_scale_text").asDouble() : 0.0,
                c.has("guidance_scale_lyric") ? c.get("guidance_scale_lyric").asDouble() : 0.0,
                cfgType, zeroSteps, zeroInit);
        SamplingSettings settings = new SamplingSettings(
                SchedulerType.parse(g.field(c, "scheduler_type", in).asText()),
                g.field(c, "infer_steps", in).asInt(),
                c.has("oss_steps") ? SamplerGolden.ints(c.get("oss_steps")) : java.util.List.of(),
                c.has("omega_scale") ? c.get("omega_scale").asDouble() : 10.0,
                guidance);
        return new PipelineCase(name, settings);
    }
}
