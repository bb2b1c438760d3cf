package dev.lofilora.model.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.common.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tokenizers of the {@code tiny} preset (DESIGN §7), built by the project itself as HF {@code tokenizer.json}
 * text so they load through the same binding as the real files and nothing is downloaded:
 * <ul>
 *   <li>a lyric vocabulary in ACE-Step's format (BPE, whitespace pre-tokenizer) at character level, with ACE-Step's
 *       special ids where they fit ({@code [STOP]} 0, {@code [UNK]} 1, {@code [SPACE]} 2, {@code [en]} 259,
 *       {@code [START]} 261) and the twelve structure tags on the last ids, every id below {@code vocabSize};</li>
 *   <li>a T5-style text tokenizer (Unigram over "▁"-prefixed pieces, {@code <pad>} 0, {@code </s>} 1 appended by the
 *       post-processor, {@code <unk>} 2, lowercasing) whose pieces are the letters, digits, punctuation and a fixed
 *       list of music words.</li>
 * </ul>
 * Deterministic: the same sizes give the same JSON (and hash).
 */
public final class TinyTokenizers {
    /** ACE-Step's structure tags, in its vocabulary's order (ids 6681–6692 there). */
    public static final List<String> STRUCTURE_TAGS = List.of("[start]", "[intro]", "[verse]", "[chorus]", "[bridge]",
            "[outro]", "[end]", "[inst]", "[solo]", "[hook]", "[pre-chorus]", "[break]");
    /** The characters of ACE-Step's lyric vocabulary ids 3–39. */
    private static final String LYRIC_CHARS = "!'(),-./:;?abcdefghijklmnopqrstuvwxyz";
    private static final String TEXT_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789,.-'!?&/:;()#";
    private static final String MUSIC_WORDS = "lofi lo-fi hip hop chill chillhop jazz jazzy jazzhop piano rhodes vinyl "
            + "crackle tape hiss warm mellow relaxing relaxed calm dreamy nostalgic melancholic sad happy upbeat slow "
            + "mid-tempo fast bpm beat beats drums drum boom bap kick snare hi-hat swing swung shuffle bass guitar "
            + "electric acoustic synth pad pads strings sax saxophone trumpet flute bells keys organ ambient study "
            + "sleep night rain rainy city cafe coffee morning evening sunset summer winter autumn spring ocean "
            + "instrumental vocal vocals female male soft gentle smooth lush dusty gritty sampled sample chords chord "
            + "minor major key in a b c d e f g of and with the music song track loop groove soul soulful rnb "
            + "neo funk funky house deep electronic downtempo trip ethereal cozy lazy sunday old school classic "
            + "retro modern clean lo mid high reverb delay filter filtered pitched muffled distant field recording "
            + "birds nature water fire wind guitarist pianist producer";

    private TinyTokenizers() {}

    /** The tiny lyric vocabulary: {@code vocabSize} dense ids (at least 262 + 12). */
    public static String lyricVocabJson(int vocabSize) {
        if (vocabSize < 262 + STRUCTURE_TAGS.size()) throw new IllegalArgumentException("lyric vocab " + vocabSize);
        Map<Integer, String> byId = new LinkedHashMap<>();
        byId.put(0, "[STOP]");
        byId.put(1, "[UNK]");
        byId.put(2, "[SPACE]");
        for (int i = 0; i < LYRIC_CHARS.length(); i++) byId.put(3 + i, String.valueOf(LYRIC_CHARS.charAt(i)));
        byId.put(259, "[en]");
        byId.put(261, "[START]");
        int tagStart = vocabSize - STRUCTURE_TAGS.size();
        for (int i = 0; i < STRUCTURE_TAGS.size(); i++) byId.put(tagStart + i, STRUCTURE_TAGS.get(i));
        Set<Integer> special = new LinkedHashSet<>(List.of(0, 1, 2, 259, 261));
        for (int i = 0; i < STRUCTURE_TAGS.size(); i++) special.add(tagStart + i);

        ObjectNode root = header();
        ArrayNode added = root.putArray("added_tokens");
        for (int id : special) addedToken(added, id, byId.get(id));
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "[UNK]");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        // unused ids hold placeholders the whitespace pre-tokenizer can never produce whole ("[" is split off)
        for (int id = 0; id < vocabSize; id++) vocab.put(byId.getOrDefault(id, "[unused" + id + "]"), id);
        model.putArray("merges");
        return Json.toString(root);
    }

    /** The tiny T5-style text tokenizer with {@code vocabSize} pieces (at least the characters and specials). */
    public static String textTokenizerJson(int vocabSize) {
        List<String> pieces = new ArrayList<>(List.of("<pad>", "</s>", "<unk>", "\u2581"));
        for (char c : TEXT_CHARS.toCharArray()) pieces.add(String.valueOf(c));
        for (String w : new LinkedHashSet<>(List.of(MUSIC_WORDS.split(" ")))) {
            if (pieces.size() < vocabSize) pieces.add("\u2581" + w);
        }
        if (pieces.size() > vocabSize) throw new IllegalArgumentException("text vocab " + vocabSize + " is too small");
        while (pieces.size() < vocabSize) pieces.add("<extra_id_" + (vocabSize - pieces.size() - 1) + ">");

        ObjectNode root = header();
        ArrayNode added = root.putArray("added_tokens");
        addedToken(added, 0, "<pad>");
        addedToken(added, 1, "</s>");
        addedToken(added, 2, "<unk>");
        root.putObject("normalizer").put("type", "Lowercase");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Metaspace").put("replacement", "\u2581").put("prepend_scheme", "always").put("split", true);
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ObjectNode eos = post.putObject("special_tokens").putObject("</s>");
        eos.put("id", "</s>");
        eos.putArray("ids").add(1);
        eos.putArray("tokens").add("</s>");
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "Metaspace").put("replacement", "\u2581").put("prepend_scheme", "always").put("split", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "Unigram");
        model.put("unk_id", 2);
        ArrayNode vocab = model.putArray("vocab");
        for (int i = 0; i < pieces.size(); i++) {
            String p = pieces.get(i);
            // whole words beat spelling them out; single characters are the fallback
            double score = i < 3 ? 0.0 : p.startsWith("<extra_id_") ? -100.0 : p.length() == 1 ? -10.0 : -1.0 - 0.01 * i;
            vocab.addArray().add(p).add(score);
        }
        model.put("byte_fallback", false);
        return Json.toString(root);
    }

    private static ObjectNode header() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        return root;
    }

    private static void addedToken(ArrayNode added, int id, String content) {
        ObjectNode t = added.addObject();
        t.put("id", id).put("content", content).put("single_word", false).put("lstrip", false).put("rstrip", false)
                .put("normalized", false).put("special", true);
    }
}
