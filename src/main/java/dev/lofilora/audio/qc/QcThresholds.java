package dev.lofilora.audio.qc;

/** Thresholds of the quality checks, read from config (lofi_lora_config.json "qc"). Filled in by the QC work. */
public record QcThresholds() {
    public static QcThresholds defaults() { return new QcThresholds(); }
}
