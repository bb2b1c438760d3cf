package dev.lofilora.dataset.curate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.dataset.sources.LicensePolicy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The {@code process} and {@code licenses} sections of {@code config/lofi_lora_config.json} (README "Configuration").
 *
 * @param targetLufs           integrated loudness every output is normalised to (default −14 LUFS)
 * @param ceilingDbtp          true-peak ceiling after the gain (default −1 dBTP), on both interpolators
 * @param overCeiling          what to do when the gain pushes the true peak over the ceiling (limit or reject)
 * @param outputFormat         wav24 (default) or flac
 * @param sampleRate           output sample rate (default 48000, what ACE-Step's DCAE expects)
 * @param trimSilence          trim leading and trailing silence before measuring (default false)
 * @param trimThresholdDbfs    a frame counts as silent for trimming when every sample is below this (default −60)
 * @param threads              worker threads; 0 = one per CPU core
 * @param licenses             the licence policy
 */
public record ProcessSettings(double targetLufs, double ceilingDbtp, OverCeilingPolicy overCeiling,
                              OutputFormat outputFormat, int sampleRate, boolean trimSilence, double trimThresholdDbfs,
                              int threads, LicensePolicy licenses) {
    public static final String FILE = "lofi_lora_config.json";
    private static final Set<String> PROCESS_FIELDS = Set.of("target_lufs", "true_peak_ceiling_dbtp", "over_ceiling",
            "output_format", "sample_rate", "trim_silence", "trim_threshold_dbfs", "threads");
    private static final Set<String> LICENSE_FIELDS = Set.of("allowed", "grants_training_rights");

    public ProcessSettings {
        if (!(targetLufs < 0 && targetLufs > -70)) throw new IllegalArgumentException("target_lufs must be between -70 and 0");
        if (!(ceilingDbtp <= 0 && ceilingDbtp > -30)) throw new IllegalArgumentException("true_peak_ceiling_dbtp must be between -30 and 0");
        if (sampleRate < 8000 || sampleRate > 384000) throw new IllegalArgumentException("sample_rate must be 8000..384000");
        if (!(trimThresholdDbfs < 0)) throw new IllegalArgumentException("trim_threshold_dbfs must be below 0");
        if (threads < 0) throw new IllegalArgumentException("threads must be 0 (all cores) or more");
    }

    /** The shipped defaults (equal to the embedded config file). */
    public static ProcessSettings defaults() {
        return new ProcessSettings(-14.0, -1.0, OverCeilingPolicy.LIMIT, OutputFormat.WAV24, 48000, false, -60.0, 0,
                LicensePolicy.defaults());
    }

    /** Threads to use: {@link #threads}, or the number of cores when it is 0. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    public ProcessSettings withThreads(int t) {
        return new ProcessSettings(targetLufs, ceilingDbtp, overCeiling, outputFormat, sampleRate, trimSilence,
                trimThresholdDbfs, t, licenses);
    }

    public ProcessSettings withOutputFormat(OutputFormat f) {
        return new ProcessSettings(targetLufs, ceilingDbtp, overCeiling, f, sampleRate, trimSilence, trimThresholdDbfs,
                threads, licenses);
    }

    public ProcessSettings withOverCeiling(OverCeilingPolicy p) {
        return new ProcessSettings(targetLufs, ceilingDbtp, p, outputFormat, sampleRate, trimSilence, trimThresholdDbfs,
                threads, licenses);
    }

    public ProcessSettings withTrimSilence(boolean trim) {
        return new ProcessSettings(targetLufs, ceilingDbtp, overCeiling, outputFormat, sampleRate, trim, trimThresholdDbfs,
                threads, licenses);
    }

    public ProcessSettings withLicenses(LicensePolicy l) {
        return new ProcessSettings(targetLufs, ceilingDbtp, overCeiling, outputFormat, sampleRate, trimSilence,
                trimThresholdDbfs, threads, l);
    }

    /**
     * Reads {@link #FILE} from {@code config}; fields left out keep their defaults. Unknown fields, wrong types and
     * out-of-range values raise a {@link LofiException} naming the file and the field.
     */
    public static ProcessSettings load(ConfigFiles config) {
        var where = config.describe(FILE);
        JsonNode root = config.readJson(FILE);
        ProcessSettings d = defaults();
        try {
            if (root == null || !root.isObject()) throw new IllegalArgumentException("the top level must be an object");
            JsonNode p = root.path("process");
            JsonNode l = root.path("licenses");
            checkFields(p, PROCESS_FIELDS, "process");
            checkFields(l, LICENSE_FIELDS, "licenses");
            LicensePolicy lic = new LicensePolicy(
                    strings(l, "allowed", d.licenses().allowed()),
                    strings(l, "grants_training_rights", d.licenses().grantsTrainingRights()));
            return new ProcessSettings(
                    num(p, "target_lufs", d.targetLufs()),
                    num(p, "true_peak_ceiling_dbtp", d.ceilingDbtp()),
                    p.has("over_ceiling") ? OverCeilingPolicy.parse(text(p, "over_ceiling")) : d.overCeiling(),
                    p.has("output_format") ? OutputFormat.parse(text(p, "output_format")) : d.outputFormat(),
                    (int) integer(p, "sample_rate", d.sampleRate()),
                    bool(p, "trim_silence", d.trimSilence()),
                    num(p, "trim_threshold_dbfs", d.trimThresholdDbfs()),
                    (int) integer(p, "threads", d.threads()),
                    lic);
        } catch (IllegalArgumentException e) {
            throw new LofiException(where, e.getMessage(), "fix the value (README \"Configuration\" lists every field)");
        }
    }

    private static void checkFields(JsonNode n, Set<String> known, String section) {
        if (n.isMissingNode()) return;
        if (!n.isObject()) throw new IllegalArgumentException("\"" + section + "\" must be an object");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f) && !f.startsWith("_")) {
                throw new IllegalArgumentException("unknown field \"" + section + "." + f + "\" (known: " + String.join(", ", known) + ")");
            }
        }
    }

    private static double num(JsonNode n, String f, double def) {
        if (!n.has(f)) return def;
        if (!n.get(f).isNumber()) throw new IllegalArgumentException("\"" + f + "\" must be a number");
        return n.get(f).asDouble();
    }

    private static long integer(JsonNode n, String f, long def) {
        if (!n.has(f)) return def;
        if (!n.get(f).isIntegralNumber()) throw new IllegalArgumentException("\"" + f + "\" must be an integer");
        return n.get(f).asLong();
    }

    private static boolean bool(JsonNode n, String f, boolean def) {
        if (!n.has(f)) return def;
        if (!n.get(f).isBoolean()) throw new IllegalArgumentException("\"" + f + "\" must be true or false");
        return n.get(f).asBoolean();
    }

    private static String text(JsonNode n, String f) {
        if (!n.get(f).isTextual()) throw new IllegalArgumentException("\"" + f + "\" must be a string");
        return n.get(f).asText();
    }

    private static List<String> strings(JsonNode n, String f, List<String> def) {
        if (!n.has(f)) return def;
        JsonNode a = n.get(f);
        if (!a.isArray()) throw new IllegalArgumentException("\"licenses." + f + "\" must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode e : a) {
            if (!e.isTextual()) throw new IllegalArgumentException("\"licenses." + f + "\" must hold strings only");
            out.add(e.asText());
        }
        return out;
    }
}
