package dev.lofilora.dataset.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which licences allow a track into the training set (config {@code lofi_lora_config.json → licenses}).
 *
 * <p>A licence id is allowed when it equals (ignoring case) an entry of {@code allowed} or of
 * {@code grantsTrainingRights}, or matches a pattern ending in {@code -*}. The {@code *} stands for a <em>version</em>
 * only (digits and dots, optionally a jurisdiction port such as {@code -US} or {@code -IGO}), never for more licence
 * elements: {@code CC-BY-*} allows {@code CC-BY-4.0} and {@code CC-BY-3.0-US} but not {@code CC-BY-NC-4.0} or
 * {@code CC-BY-ND-4.0}, whose NonCommercial/NoDerivatives terms do not grant training use.
 *
 * @param allowed              licence ids or version patterns that allow training (default CC0-1.0, CC-BY-*,
 *                             CC-BY-SA-*, own-work)
 * @param grantsTrainingRights further licence ids the user has marked as granting training rights (e.g. a
 *                             contract, {@code LicenseRef-label-agreement}); treated exactly like {@code allowed}
 */
public record LicensePolicy(List<String> allowed, List<String> grantsTrainingRights) {
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*(-[A-Za-z]{2,})?");

    public LicensePolicy {
        allowed = List.copyOf(allowed);
        grantsTrainingRights = List.copyOf(grantsTrainingRights);
    }

    public static LicensePolicy defaults() {
        return new LicensePolicy(List.of("CC0-1.0", "CC-BY-*", "CC-BY-SA-*", "own-work"), List.of());
    }

    /** Empty when {@code license} is allowed; otherwise the reason it is not, for the report. */
    public Optional<String> rejectionReason(String license) {
        if (license == null || license.isBlank()) return Optional.of("no licence given");
        for (String p : all()) if (matches(p, license.strip())) return Optional.empty();
        String lower = license.toLowerCase(Locale.ROOT);
        String hint = lower.contains("-nc") || lower.contains("-nd")
                ? "; NonCommercial/NoDerivatives licences do not grant training use"
                : "";
        return Optional.of("licence '" + license + "' is not allowed for training (allowed: " + String.join(", ", all())
                + hint + "); if you hold training rights for it, add it to licenses.grants_training_rights in the config");
    }

    private List<String> all() {
        List<String> a = new ArrayList<>(allowed);
        a.addAll(grantsTrainingRights);
        return a;
    }

    static boolean matches(String pattern, String license) {
        if (pattern.endsWith("-*")) {
            String prefix = pattern.substring(0, pattern.length() - 1); // keeps the '-'
            return license.regionMatches(true, 0, prefix, 0, prefix.length())
                    && VERSION.matcher(license.substring(prefix.length())).matches();
        }
        return pattern.equalsIgnoreCase(license);
    }
}
