package dev.lofilora.audio.qc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lofilora.common.ConfigFiles;
import dev.lofilora.common.Json;
import dev.lofilora.common.LofiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QcThresholdsTest {
    @Test
    void shippedConfigEqualsDefaultsAndDocumentsEveryField() throws Exception {
        assertEquals(QcThresholds.defaults(), QcThresholds.load(ConfigFiles.defaults()));
        JsonNode doc;
        try (var in = ConfigFiles.defaults().open(QcThresholds.FILE)) {
            doc = Json.MAPPER.readTree(in).get("_doc");
        }
        for (var c : QcThresholds.class.getRecordComponents()) {
            assertTrue(doc.hasNonNull(c.getName()), "no _doc entry for " + c.getName());
        }
    }

    @Test
    void partialFileKeepsDefaultsForMissingFields(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(QcThresholds.FILE), "{\"minDurationSeconds\": 10, \"clipMinRunSamples\": 3}");
        QcThresholds t = QcThresholds.load(ConfigFiles.in(dir));
        assertEquals(10.0, t.minDurationSeconds());
        assertEquals(3, t.clipMinRunSamples());
        assertEquals(QcThresholds.defaults().maxDurationSeconds(), t.maxDurationSeconds());
    }

    @Test
    void badValuesNameTheFileAndTheField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve(QcThresholds.FILE);
        Files.writeString(f, "{\"dcOffsetWarn\": 0.1, \"dcOffsetFail\": 0.01}");
        LofiException e = assertThrows(LofiException.class, () -> QcThresholds.load(ConfigFiles.in(dir)));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains("dcOffsetWarn"), e.getMessage());

        Files.writeString(f, "{\"clipLevel\": \"high\"}");
        e = assertThrows(LofiException.class, () -> QcThresholds.load(ConfigFiles.in(dir)));
        assertTrue(e.getMessage().contains("clipLevel") && e.getMessage().contains(f.toString()), e.getMessage());

        Files.writeString(f, "{\"clipMinRunSamples\": 3.5}");
        e = assertThrows(LofiException.class, () -> QcThresholds.load(ConfigFiles.in(dir)));
        assertTrue(e.getMessage().contains("whole number"), e.getMessage());

        Files.writeString(f, "{\"silenceTreshold\": -60}");
        e = assertThrows(LofiException.class, () -> QcThresholds.load(ConfigFiles.in(dir)));
        assertTrue(e.getMessage().contains("unknown field \"silenceTreshold\""), e.getMessage());

        Files.writeString(f, "{\"minDurationSeconds\": 5,");
        e = assertThrows(LofiException.class, () -> QcThresholds.load(ConfigFiles.in(dir)));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }
}
