package dev.lofilora.metrics.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.LofiException;
import dev.lofilora.metrics.JsonFields;

import java.nio.file.Path;

/**
 * {@code config/validation.json}: the gates and the scoring pipeline (see its {@code _doc}). Values are checked on
 * load; a bad one is a {@link LofiException} naming the file and field.
 *
 * @param fadMax             FAD gate: pass when FAD &lt; this
 * @param clapGate           "relative" or "absolute"
 * @param clapRelativeMin    relative gate: clap / reference clap ≥ this
 * @param clapAbsoluteMin    absolute gate: clap ≥ this
 * @param seconds            clip length scored
 * @param clapHopSeconds     CLAP window hop
 * @param quantize           CLAP's int16 quantisation step
 * @param minReferenceTracks fewer reference tracks is an error
 * @param fadInfSeed         seed of FAD-∞'s resampling
 * @param outliers           per-song FAD outliers listed per checkpoint
 * @param players            audio players per checkpoint in the HTML report
 */
public record ValidationSettings(double fadMax, String clapGate, double clapRelativeMin, double clapAbsoluteMin,
                                 double seconds, double clapHopSeconds, boolean quantize, int minReferenceTracks,
                                 long fadInfSeed, int outliers, int players) {
    public static final String FILE = "validation.json";

    public ValidationSettings {
        if (!clapGate.equals("relative") && !clapGate.equals("absolute")) {
            throw new LofiException(Path.of("config", FILE), "clap_gate \"" + clapGate + "\" is neither relative nor absolute",
                    "use \"relative\" or \"absolute\"");
        }
        if (!(seconds > 0) || !(clapHopSeconds > 0) || minReferenceTracks < 2 || outliers < 0 || players < 0) {
            throw new LofiException(Path.of("config", FILE), "seconds and clap_window_hop_seconds must be positive, "
                    + "min_reference_tracks at least 2, outliers and players not negative", "fix the values");
        }
    }

    public static ValidationSettings load(ConfigFiles configs) {
        Path src = configs.describe(FILE);
        JsonNode n = configs.readJson(FILE);
        JsonFields f = new JsonFields(n, src);
        for (String required : new String[] {"fad_max", "clap_gate", "seconds"}) {
            if (!f.has(required)) throw new LofiException(src, "has no \"" + required + "\"", "restore it from config/");
        }
        try {
            return new ValidationSettings(f.number("fad_max", 5), f.text("clap_gate", "relative"),
                    f.number("clap_relative_min", 0.7), f.number("clap_absolute_min", 0.3), f.number("seconds", 30),
                    f.number("clap_window_hop_seconds", 10), f.bool("clap_quantize_int16", true),
                    f.integer("min_reference_tracks", 2), (long) f.number("fad_inf_seed", 0), f.integer("outliers", 5),
                    f.integer("players", 3));
        } catch (LofiException e) {
            throw new LofiException(src, e.problem(), e.fix());
        }
    }

    /** A copy with the clip length of a command-line option (null keeps it). */
    public ValidationSettings withSeconds(Double s) {
        return s == null ? this : new ValidationSettings(fadMax, clapGate, clapRelativeMin, clapAbsoluteMin, s,
                clapHopSeconds, quantize, minReferenceTracks, fadInfSeed, outliers, players);
    }

    /** The CLAP value the gate looks at and its threshold, in words ("≥ 0.70 × the reference's 0.412"). */
    public String clapGateText(double referenceClap) {
        return clapGate.equals("relative")
                ? String.format("CLAP ≥ %.2f × the real tracks' own score (%.3f) = %.3f", clapRelativeMin, referenceClap,
                clapRelativeMin * referenceClap)
                : String.format("CLAP ≥ %.3f (absolute cosine)", clapAbsoluteMin);
    }
}
