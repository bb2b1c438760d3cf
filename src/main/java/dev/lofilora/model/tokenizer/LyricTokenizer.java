package dev.lofilora.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.lofilora.common.LofiException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * ACE-Step's lyric tokenizer (research/acestep.md §2.9; {@code VoiceBpeTokenizer} and {@code tokenize_lyrics}) over a
 * lyric vocabulary {@code tokenizer.json} loaded unchanged through the HF tokenizers binding: ACE-Step's own
 * {@code vocab.json}, or the tiny preset's.
 *
 * <p>Rules: no lyrics (blank, or ACE-Step's "write a … song that genre is" placeholder) → {@code [[STOP]]};
 * otherwise {@code [START]}, then for every line (stripped, as the inference pipeline does) the ids of
 * {@code "[en]" + clean(line)} with spaces as {@code [SPACE]}, followed by {@code [SPACE]} as the line separator; an
 * empty line is a bare {@code [SPACE]}; at most 4096 ids (the trainer's cut). Structure lines ({@code [verse]},
 * {@code [instrumental]}, ...) are tokenised as English like any line, as in ACE-Step. The special ids are read from
 * the vocabulary by name ({@code [STOP]} 0, {@code [SPACE]} 2, {@code [START]} 261, {@code [en]} 259 in ACE-Step's).
 *
 * <p>English only, by design for now: ACE-Step detects each line's language (LangSegment) and cleans Chinese
 * (pinyin), Japanese (cutlet) and Korean (romanisation) first; lines in those or other non-Latin scripts are refused
 * with a {@link LofiException} naming the line, instead of being tokenised wrongly. Latin-script lyrics are cleaned
 * as English. Not thread-safe (one native tokenizer per instance); {@link #close()} frees it.
 */
public final class LyricTokenizer implements AutoCloseable {
    /** The trainer's cut of the lyric sequence. */
    public static final int MAX_TOKENS = 4096;
    private static final Pattern NO_LYRICS = Pattern.compile("write a .* song that genre is");
    private static final Pattern STRUCTURE = Pattern.compile("\\[.*?\\]");
    private static final List<String> INSTRUMENTAL_TAGS = List.of("[instrumental]", "[inst]");

    private final HuggingFaceTokenizer tokenizer;
    private final String hash;
    private final String source;
    private final long stop;
    private final long space;
    private final long start;
    private final long vocabSize;

    private LyricTokenizer(HuggingFaceTokenizer tokenizer, byte[] json, String source) {
        this.tokenizer = tokenizer;
        this.source = source;
        this.hash = sha256(json);
        this.stop = id("[STOP]");
        this.space = id("[SPACE]");
        this.start = id("[START]");
        id("[en]");
        this.vocabSize = maxId(json) + 1;
    }

    /** ACE-Step's vocabulary (its {@code acestep/models/lyrics_utils/vocab.json}) or any file of that format. */
    public static LyricTokenizer load(Path vocabJson) {
        String fix = "give --lyric-vocab ACE-Step's acestep/models/lyrics_utils/vocab.json (an HF tokenizer.json)";
        HuggingFaceTokenizer t = HfTokenizers.load(vocabJson, HfTokenizers.plain(false), "the lyric vocabulary", fix);
        try {
            return new LyricTokenizer(t, Files.readAllBytes(vocabJson), vocabJson.toString());
        } catch (java.io.IOException e) {
            t.close();
            throw new LofiException(vocabJson, "cannot be read: " + e.getMessage(), fix, e);
        } catch (RuntimeException e) {
            t.close();
            throw e instanceof LofiException le && le.file() == null
                    ? new LofiException(vocabJson, le.problem(), fix) : e;
        }
    }

    /** A vocabulary given as JSON text (the tiny preset's). */
    public static LyricTokenizer fromJson(String json, String source) {
        HuggingFaceTokenizer t = HfTokenizers.fromJson(json, HfTokenizers.plain(false), source);
        try {
            return new LyricTokenizer(t, json.getBytes(StandardCharsets.UTF_8), source);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** One more than the largest id of the vocabulary (6693 for ACE-Step's, whose model has lyric_encoder_vocab_size 6693). */
    public long vocabSize() { return vocabSize; }

    /** sha256 (hex) of the vocabulary file. */
    public String hash() { return hash; }

    /** Where the vocabulary came from (a path, or "tiny preset"). */
    public String source() { return source; }

    /** The id of a special token; a {@link LofiException} when the vocabulary lacks it. */
    public long id(String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        if (ids.length != 1 || !tokenizer.decode(ids, false).replace(" ", "").equals(token)) {
            throw new LofiException("the lyric vocabulary (" + source + ") has no token " + token,
                    "use ACE-Step's lyric vocab.json");
        }
        return ids[0];
    }

    /**
     * The ids of {@code lyrics} (a whole lyrics file). Throws {@link LofiException} for lyrics in a language this
     * build cannot clean yet.
     */
    public LyricTokens encode(String lyrics) {
        if (lyrics.isBlank() || NO_LYRICS.matcher(lyrics).find()) return new LyricTokens(new long[] {stop}, "none");
        String[] lines = lyrics.split("\n", -1);
        List<Long> ids = new ArrayList<>();
        ids.add(start);
        boolean onlyInstrumental = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                ids.add(space);
                continue;
            }
            refuseOtherScripts(line, i + 1);
            if (!INSTRUMENTAL_TAGS.contains(line.toLowerCase(Locale.ROOT))) onlyInstrumental = false;
            for (long id : encodeLine(line)) ids.add(id);
            ids.add(space);
        }
        int n = Math.min(ids.size(), MAX_TOKENS);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = ids.get(i);
        return new LyricTokens(out, onlyInstrumental ? "instrumental" : "en");
    }

    /**
     * The ids ACE-Step's inference pipeline builds ({@code tokenize_lyrics} in {@code pipeline_ace_step.py}) for
     * non-empty lyrics: {@code [START]}, then per line the same ids as {@link #encode}, but without the trainer's rules
     * (no placeholder check, no 4096 cut). Empty lyrics are the caller's case: the pipeline then uses id 0 with mask 0.
     */
    public long[] encodeForInference(String lyrics) {
        List<Long> ids = new ArrayList<>();
        ids.add(start);
        String[] lines = lyrics.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.isEmpty()) {
                refuseOtherScripts(line, i + 1);
                for (long id : encodeLine(line)) ids.add(id);
            }
            ids.add(space);
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** {@code VoiceBpeTokenizer.encode(line, "en")}: clean, prefix {@code [en]}, spaces → {@code [SPACE]}, BPE. */
    long[] encodeLine(String line) {
        String text = "[en]" + EnglishCleaner.clean(line);
        return tokenizer.encode(text.replace(" ", "[SPACE]"), false, false).getIds();
    }

    /** Whether {@code line} is a structure line ({@code [verse]}, {@code [inst]}, ...), matched at its start. */
    static boolean isStructure(String line) {
        return STRUCTURE.matcher(line).lookingAt();
    }

    private void refuseOtherScripts(String line, int number) {
        for (int i = 0; i < line.length(); ) {
            int cp = line.codePointAt(i);
            i += Character.charCount(cp);
            Character.UnicodeScript s = Character.UnicodeScript.of(cp);
            String language = switch (s) {
                case LATIN, COMMON, INHERITED -> null;
                case HAN -> "Chinese (ACE-Step converts it to pinyin with pypinyin)";
                case HIRAGANA, KATAKANA -> "Japanese (ACE-Step romanises it with cutlet)";
                case HANGUL -> "Korean (ACE-Step romanises it)";
                case CYRILLIC -> "Russian or another Cyrillic-script language";
                case ARABIC -> "Arabic";
                case DEVANAGARI -> "Hindi";
                default -> "a language written in " + s.name().toLowerCase(Locale.ROOT) + " script";
            };
            if (language != null) {
                throw new LofiException("line " + number + " of the lyrics (\"" + shorten(line) + "\") is in "
                        + language + ", which this build cannot tokenise yet: only English lyrics and instrumentals are "
                        + "supported", "write the lyrics in English, or replace them with [instrumental]");
            }
        }
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 39) + "…";
    }

    private static long maxId(byte[] json) {
        try {
            var root = dev.lofilora.common.Json.MAPPER.readTree(json);
            long max = -1;
            for (var it = root.path("model").path("vocab").fields(); it.hasNext(); ) max = Math.max(max, it.next().getValue().asLong());
            for (var t : root.path("added_tokens")) max = Math.max(max, t.path("id").asLong());
            return max;
        } catch (java.io.IOException e) {
            throw new LofiException("the lyric vocabulary is not JSON: " + e.getMessage(), "use ACE-Step's vocab.json");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
