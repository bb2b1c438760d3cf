package dev.lofilora.lora;

/** The LoRA file layouts {@link AdapterFiles} reads (DESIGN §3.8). */
public enum AdapterFormat {
    /**
     * PEFT's: {@code adapter_model.safetensors} (raw A/B; keys with or without {@code base_model.model.}) beside an
     * {@code adapter_config.json}; the scale is the config's {@code alpha/√r} (rsLoRA) or {@code alpha/r}. Our training
     * checkpoints use it.
     */
    PEFT,
    /**
     * ACE-Step's / diffusers' {@code pytorch_lora_weights.safetensors} (keys without prefix, or with
     * {@code transformer.}). ACE-Step's pipeline ignores alpha and any metadata (research §5.4), so the scale applied
     * is 1.0, as there.
     */
    ACESTEP,
    /**
     * Our export for ACE-Step's pipeline: ACE-Step's layout with the training scale already multiplied into
     * {@code lora_B} and {@code lofi.scale_baked} in the metadata; applied at scale 1.0, so never scaled twice.
     */
    LOFI_EXPORT
}
