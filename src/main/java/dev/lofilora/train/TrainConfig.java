package dev.lofilora.train;

import dev.lofilora.common.ConfigFiles;
import dev.lofilora.lora.LoraConfig;

import java.nio.file.Path;

/**
 * What {@link TrainJob} trains: the base model ({@code "tiny"} for the shared preset of DESIGN §7, or an ACE-Step
 * transformer folder), the cache folder {@code lofi preprocess} wrote, the run folder, the device, whether to resume,
 * the hyper-parameters and the adapter.
 *
 * @param model    {@code "tiny"} or a transformer folder (config.json + weights)
 * @param data     the per-track cache folder (DESIGN §5)
 * @param out      the run folder ({@code runs/<name>})
 * @param device   {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param resume   continue from the run folder's newest checkpoint (refused when the config changed)
 * @param configs  where {@code tiny_model.json} is read from
 */
public record TrainConfig(String model, Path data, Path out, String device, boolean resume, TrainSettings settings,
                          LoraConfig lora, ConfigFiles configs) {
    /** Defaults from {@code configs}: {@code training_defaults.json} and the {@code lora} section; CPU; no resume. */
    public static TrainConfig of(String model, Path data, Path out, ConfigFiles configs) {
        return new TrainConfig(model, data, out, "cpu", false, TrainSettings.read(configs), LoraConfig.read(configs),
                configs);
    }

    public TrainConfig withDevice(String d) { return new TrainConfig(model, data, out, d, resume, settings, lora, configs); }

    public TrainConfig withResume(boolean r) { return new TrainConfig(model, data, out, device, r, settings, lora, configs); }

    public TrainConfig withSettings(TrainSettings s) { return new TrainConfig(model, data, out, device, resume, s, lora, configs); }

    public TrainConfig withLora(LoraConfig l) { return new TrainConfig(model, data, out, device, resume, settings, l, configs); }

    /** A copy with one settings field replaced (JSON name, e.g. {@code "max_steps"}). */
    public TrainConfig with(String field, Object value) { return withSettings(settings.with(field, value)); }
}
