package dev.lofilora.dataset.hf;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;
import java.util.Map;

/**
 * The Arrow schema and the HF {@code features} of ACE-Step's dataset, as {@code Dataset.from_list} infers them from
 * the converter's rows (reference: ACE-Step's committed {@code zh_lora_dataset/dataset_info.json}). Every field is
 * nullable (pyarrow's default), the list child is named {@code item} (pyarrow's name), {@code tags} is an HF
 * {@code Sequence} of strings, and {@code recaption} is a struct with no fields, whose feature is {@code {}}.
 */
public final class AceStepSchema {
    public static final String KEYS = "keys";
    public static final String FILENAME = "filename";
    public static final String TAGS = "tags";
    public static final String SPEAKER_EMB_PATH = "speaker_emb_path";
    public static final String NORM_LYRICS = "norm_lyrics";
    public static final String RECAPTION = "recaption";
    /** The schema-level metadata key HF {@code datasets} reads its features from. */
    public static final String HF_METADATA_KEY = "huggingface";

    private AceStepSchema() {}

    /** The Arrow fields in the converter's column order. */
    public static List<Field> fields() {
        FieldType utf8 = FieldType.nullable(ArrowType.Utf8.INSTANCE);
        Field item = new Field("item", utf8, null);
        return List.of(
                new Field(KEYS, utf8, null),
                new Field(FILENAME, utf8, null),
                new Field(TAGS, FieldType.nullable(ArrowType.List.INSTANCE), List.of(item)),
                new Field(SPEAKER_EMB_PATH, utf8, null),
                new Field(NORM_LYRICS, utf8, null),
                new Field(RECAPTION, FieldType.nullable(ArrowType.Struct.INSTANCE), List.of()));
    }

    /** The schema with the {@code huggingface} metadata ({@code {"info": {"features": …}, "fingerprint": …}}). */
    public static Schema schema(String fingerprint) {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.putObject("info").set("features", features());
        meta.put("fingerprint", fingerprint);
        return new Schema(fields(), Map.of(HF_METADATA_KEY, meta.toString()));
    }

    /** The HF features dict, key order as the reference {@code dataset_info.json}. */
    public static ObjectNode features() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode features = f.objectNode();
        features.set(KEYS, stringValue());
        features.set(FILENAME, stringValue());
        ObjectNode tags = features.putObject(TAGS);
        tags.set("feature", stringValue());
        tags.put("_type", "Sequence");
        features.set(SPEAKER_EMB_PATH, stringValue());
        features.set(NORM_LYRICS, stringValue());
        features.putObject(RECAPTION);
        return features;
    }

    private static ObjectNode stringValue() {
        ObjectNode v = JsonNodeFactory.instance.objectNode();
        v.put("dtype", "string");
        v.put("_type", "Value");
        return v;
    }
}
