package dev.lofilora.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lofilora.model.transformer.AceStepConfig;

/** Config variants for tests. */
final class AceStepConfigs {
    private AceStepConfigs() {}

    static AceStepConfig withTextDim(AceStepConfig c, int dim) {
        ObjectNode o = c.toJson();
        o.put("text_embedding_dim", dim);
        return AceStepConfig.parse(o, null);
    }
}
