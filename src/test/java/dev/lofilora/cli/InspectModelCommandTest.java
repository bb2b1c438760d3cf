package dev.lofilora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.SharedFiles;
import dev.lofilora.common.Json;
import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import dev.lofilora.model.transformer.AceStepConfig;
import dev.lofilora.model.transformer.RandomWeights;
import dev.lofilora.tensor.SafetensorsWriter;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class InspectModelCommandTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        var cli = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void describesTheGoldenFolderAndCountsParametersBothWays() {
        Path dir = SharedFiles.require("golden/acestep/A");
        Run r = run("inspect-model", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.MAPPER.valueToTree(parse(r.out()));
        assertTrue(j.get("matches").asBoolean());
        assertEquals(j.get("parameters_from_config").asLong(), j.get("parameters_in_file").asLong());
        assertEquals(j.get("tensors").asInt(), j.get("dtypes").get("F32").asInt());
        assertEquals(4L * j.get("parameters_in_file").asLong(), j.get("bytes").asLong());
        assertEquals(64, j.get("width").asInt());
        assertEquals(0, j.get("missing").size());

        Run human = run("inspect-model", dir.toString());
        assertEquals(0, human.code());
        assertTrue(human.out().contains("3 blocks, width 64 = 4 heads x 16"), human.out());
        assertTrue(human.out().contains("match the config's model"), human.out());
    }

    /** A hub-style folder: ACEStepTransformer2DModel config, bf16 weights in two shards with an index. */
    @Test
    void readsShardedBf16HubFoldersAndListsKeysThatDoNotMatch(@TempDir Path dir) throws Exception {
        ObjectNode cfg = (ObjectNode) Json.readTree(SharedFiles.require("golden/acestep/A/config.json"));
        cfg.put("_class_name", "ACEStepTransformer2DModel");
        cfg.put("_diffusers_version", "0.32.2");
        Files.writeString(dir.resolve("config.json"), Json.toString(cfg));
        AceStepConfig config = AceStepConfig.parse(cfg, null);
        try (PointerScope scope = new PointerScope(); ACEStepTransformer2DModel m = new ACEStepTransformer2DModel(config, false)) {
            Map<String, Tensor> all = RandomWeights.stateDict(m, 5);
            long expectedParams = m.parameterCount();
            Map<String, Tensor> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
            ObjectNode index = Json.MAPPER.createObjectNode();
            ObjectNode map = index.putObject("weight_map");
            int i = 0;
            for (Map.Entry<String, Tensor> e : all.entrySet()) {
                if (e.getKey().equals("final_layer.linear.bias")) continue;            // missing
                String shard = (i++ % 2 == 0) ? "part-00001.safetensors" : "part-00002.safetensors";
                (shard.endsWith("1.safetensors") ? a : b).put(e.getKey(), e.getValue().to(ScalarType.BFloat16));
                map.put(e.getKey(), shard);
            }
            a.put("pos_embed.proj.weight", torch.ones(3).to(ScalarType.BFloat16));       // unexpected
            map.put("pos_embed.proj.weight", "part-00001.safetensors");
            SafetensorsWriter.write(dir.resolve("part-00001.safetensors"), a);
            SafetensorsWriter.write(dir.resolve("part-00002.safetensors"), b);
            index.putObject("metadata").put("total_size", 0);
            Files.writeString(dir.resolve("diffusion_pytorch_model.safetensors.index.json"), Json.toString(index));

            Run r = run("inspect-model", dir.toString(), "--json");
            assertEquals(1, r.code(), r.err());
            JsonNode j = Json.MAPPER.valueToTree(parse(r.out()));
            assertFalse(j.get("matches").asBoolean());
            assertEquals("final_layer.linear.bias", j.get("missing").get(0).asText());
            assertEquals(1, j.get("missing").size());
            assertEquals("pos_embed.proj.weight", j.get("unexpected").get(0).asText());
            assertEquals(all.size(), j.get("dtypes").get("BF16").asInt());
            assertEquals(expectedParams, j.get("parameters_from_config").asLong());
            long out = config.finalOut();
            assertEquals(expectedParams - out + 3, j.get("parameters_in_file").asLong());
            assertEquals(2 * (expectedParams - out + 3), j.get("bytes").asLong());
            assertEquals("ACEStepTransformer2DModel", j.get("config").get("_class_name").asText());
            assertTrue(j.get("weights").asText().endsWith(".index.json"));

            Run human = run("inspect-model", dir.toString());
            assertTrue(human.out().contains("missing (1):") && human.out().contains("unexpected (1):"), human.out());
        }
    }

    @Test
    void explainsFoldersWithoutConfigOrWeights(@TempDir Path dir) throws Exception {
        Run r = run("inspect-model", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("config.json") && r.err().contains(dir.toString()), r.err());
        Files.copy(SharedFiles.require("golden/acestep/A/config.json"), dir.resolve("config.json"));
        r = run("inspect-model", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no transformer weights"), r.err());
    }

    private static JsonNode parse(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }
}
