package dev.lofilora.infer;

import dev.lofilora.common.LofiException;

import java.util.regex.Pattern;

/**
 * One clip to generate: the output name, ACE-Step's {@code prompt}, {@code lyrics} and {@code audio_duration}, and a
 * seed (null: a random one, recorded in the parameters file).
 *
 * @param name     output file stem: letters, digits, {@code . _ -}; {@code <name>.wav} and
 *                 {@code <name>_input_params.json}
 * @param prompt   the style prompt (UMT5); must not be blank
 * @param lyrics   the lyrics, or "" for none (ACE-Step then conditions on the single id 0, masked)
 * @param duration seconds, 1–240 (ACE-Step's range); the latent has {@code int(duration·44100/512/8)} frames
 * @param seed     the seed of the initial noise, or null
 */
public record GenerationItem(String name, String prompt, String lyrics, double duration, Long seed) {
    /** ACE-Step's duration range (the UI's slider; the model saw at most 240 s in training). */
    public static final double MIN_SECONDS = 1, MAX_SECONDS = 240;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    public GenerationItem {
        lyrics = lyrics == null ? "" : lyrics;
    }

    /** Latent frames ACE-Step generates for {@code seconds}: {@code int(seconds·44100/512/8)}. */
    public static int frames(double seconds) {
        return (int) (seconds * 44100 / 512 / 8);
    }

    /** Throws a {@link LofiException} naming the item (and {@code where}, e.g. "prompts.jsonl line 3") when invalid. */
    public void check(String where) {
        String at = where + (name == null ? "" : " (\"" + name + "\")");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new LofiException(at + ": the name \"" + name + "\" is not a plain file name",
                    "use letters, digits, '.', '_' and '-' only, e.g. lofi_001");
        }
        if (prompt == null || prompt.isBlank()) {
            throw new LofiException(at + ": the prompt is empty", "describe the music, e.g. \"lofi hip hop, mellow "
                    + "piano, vinyl crackle, 80 bpm\"");
        }
        if (!(duration >= MIN_SECONDS && duration <= MAX_SECONDS)) {
            throw new LofiException(at + ": the duration " + duration + " s is outside " + (int) MIN_SECONDS + "–"
                    + (int) MAX_SECONDS + " s", "give a duration between 1 and 240 seconds (ACE-Step's range)");
        }
        if (seed != null && seed < 0) {
            throw new LofiException(at + ": the seed " + seed + " is negative", "use a seed ≥ 0, or none for a random one");
        }
    }
}
