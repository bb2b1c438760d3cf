package dev.lofilora.infer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code <name>_input_params.json} written beside each clip, with ACE-Step's field names where they exist
 * (pipeline_ace_step.py {@code input_params_json}), then this build's own under {@code lofi_*}.
 */
final class InputParams {
    private InputParams() {}

    static Map<String, Object> of(GenerateConfig c, GenerationItem item, Text2MusicPipeline.Generated g, String audioPath,
                                  String settingsHash, Text2MusicPipeline pipeline) {
        SamplingSettings s = c.sampling();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", c.format().id());
        m.put("lora_name_or_path", c.pipeline().lora() == null ? "none" : c.pipeline().lora().toString());
        m.put("lora_weight", c.pipeline().loraScale());
        m.put("task", "text2music");
        m.put("prompt", item.prompt());
        m.put("lyrics", item.lyrics());
        m.put("audio_duration", item.duration());
        m.put("infer_step", s.inferSteps());
        m.put("guidance_scale", s.guidance().guidanceScale());
        m.put("scheduler_type", s.scheduler().id());
        m.put("cfg_type", s.guidance().cfgType().id());
        m.put("omega_scale", s.omegaScale());
        m.put("guidance_interval", s.guidance().guidanceInterval());
        m.put("guidance_interval_decay", s.guidance().guidanceIntervalDecay());
        m.put("min_guidance_scale", s.guidance().minGuidanceScale());
        m.put("use_erg_tag", c.erg().tag());
        m.put("use_erg_lyric", c.erg().lyric());
        m.put("use_erg_diffusion", c.erg().diffusion());
        m.put("oss_steps", s.ossSteps());
        Map<String, Object> timecosts = new LinkedHashMap<>();
        timecosts.put("preprocess", g.encodeSeconds());
        timecosts.put("diffusion", g.diffusionSeconds());
        timecosts.put("latent2audio", g.decodeSeconds());
        m.put("timecosts", timecosts);
        m.put("actual_seeds", List.of(g.seed()));
        m.put("guidance_scale_text", s.guidance().guidanceScaleText());
        m.put("guidance_scale_lyric", s.guidance().guidanceScaleLyric());
        m.put("audio_path", audioPath);
        m.put("lofi_model", pipeline.description());
        m.put("lofi_engine", c.pipeline().engine());
        m.put("lofi_device", dev.lofilora.tensor.Devices.describe(pipeline.device()));
        m.put("lofi_dtype", pipeline.dtype().value == org.bytedeco.pytorch.global.torch.ScalarType.BFloat16.value
                ? "bfloat16" : "float32");
        m.put("lofi_lora_scale_mode", c.pipeline().loraMode().name().toLowerCase(java.util.Locale.ROOT));
        m.put("lofi_lora_effective_scale", pipeline.lora() == null ? null : pipeline.lora().effectiveScale());
        m.put("lofi_overlapped_decode", c.overlappedDecode());
        m.put("lofi_latent_frames", g.frames());
        m.put("lofi_settings_sha256", settingsHash);
        return m;
    }
}
