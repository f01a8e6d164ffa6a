import NeuralNet
import Testing

/// `print(net)`-style trees and Keras-style summaries.
struct DescriptionTests {
    @Test func rgnetPrintsLikePyTorch() throws {
        let block = """
            Sequential(
                  (0): Linear(in_features=4, out_features=8, bias=True)
                  (1): ReLU()
                  (2): Linear(in_features=8, out_features=4, bias=True)
                  (3): ReLU()
                )
            """
        let blocks = (0..<4).map { "    (block \($0)): " + block }.joined(separator: "\n")
        let expected = "Sequential(\n  (0): Sequential(\n\(blocks)\n  )\n  (1): Linear(in_features=4, out_features=1, bias=True)\n)"
        #expect(try Model(spec: rgnetSpec).describe() == expected)
    }

    @Test func activationsAndFlattenPrintTheirTorchNames() throws {
        let spec = json(
            #"{"type": "sequential", "layers": [{"type": "flatten"}, {"type": "leaky_relu", "negative_slope": 0.2}, {"type": "gelu"}, {"type": "softmax"}, {"type": "linear", "in": 3, "out": 2, "bias": false}]}"#
        )
        #expect(
            try Model(spec: spec).describe() == """
                Sequential(
                  (0): Flatten(start_dim=1, end_dim=-1)
                  (1): LeakyReLU(negative_slope=0.2)
                  (2): GELU(approximate='none')
                  (3): Softmax(dim=-1)
                  (4): Linear(in_features=3, out_features=2, bias=False)
                )
                """)
    }

    @Test func summaryCountsTiedParametersOnce() throws {
        let net = try Model(spec: tiedSpec, inputShape: [20])
        let summary = net.summary(name: "tied")
        #expect(summary.hasPrefix("Model: \"tied\""))
        #expect(summary.contains("\n 0 (Linear)                  (None, 8)                 168\n"))
        #expect(summary.contains("\n 4 (Linear)                  (None, 8)                 72 (tied)\n"))
        #expect(summary.contains("Total params: 249\n"))
        #expect(net.counts == ParameterCounts(total: 249, tensors: 6, tiedTensors: 2, deferredTensors: 0))
    }

    @Test func summaryOfRgnetMatchesTheChaptersTotals() throws {
        let summary = try Model(spec: rgnetSpec).summary()
        #expect(summary.contains("\n 0 (Sequential)              (None, ..., 4)            304\n"))
        #expect(summary.contains("\n 1 (Linear)                  (None, ..., 1)            5\n"))
        #expect(summary.contains("Total params: 309"))
    }

    @Test func moduleDescriptionIsTheSubtree() throws {
        let info = try Model(spec: rgnetSpec).module(at: "0.block 2.2")
        #expect(info.description == "Linear(in_features=8, out_features=4, bias=True)")
    }
}
