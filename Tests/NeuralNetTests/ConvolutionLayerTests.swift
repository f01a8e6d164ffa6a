import NeuralNet
import Testing

/// conv2d, max_pool2d and avg_pool2d as layer kinds: hostile specs refused with the member named,
/// shapes inferred from an input_shape, print(net) as PyTorch prints, specs that round-trip.
/// (Numerical parity with PyTorch: ParityTests' LeNet and the kernel tests.)
struct ConvolutionLayerTests {
    static let refusals: [(spec: String, inputShape: [Int]?, message: String, category: NeuralNetError.Category)] = [
        (#"{"type": "conv2d", "in_channels": 1, "out_channels": 6}"#, nil, #"spec is a conv2d layer and needs "kernel_size""#, .badRequest),
        (
            #"{"type": "conv2d", "in_channels": 0, "out_channels": 6, "kernel_size": 5}"#, nil,
            "spec.in_channels must be a positive integer, got 0", .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": [5, 0]}"#, nil,
            "spec.kernel_size[1] must be a positive integer, got 0", .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": [5, 5, 5]}"#, nil,
            "spec.kernel_size must be an integer or a list of two integers [height, width], got 3 items", .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 3, "stride": -1}"#, nil,
            "spec.stride must be a positive integer, got -1", .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 3, "padding": -2}"#, nil,
            "spec.padding must be a non-negative integer, got -2", .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 6, "out_channels": 4, "kernel_size": 3, "groups": 4}"#, nil,
            "spec.in_channels (6) must be divisible by groups (4)", .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 4, "out_channels": 6, "kernel_size": 3, "groups": 4}"#, nil,
            "spec.out_channels (6) must be divisible by groups (4)", .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 1048576, "out_channels": 1048576, "kernel_size": 1048576}"#, nil,
            "spec.out_channels makes a size too large to represent", .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 1024, "out_channels": 1024, "kernel_size": 11}"#, nil,
            "spec (conv2d 1024→1024) has 126878720 parameters, which would bring the model over the limit of 100000000 parameters",
            .cannotApply
        ),
        (
            #"{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 1e300}"#, nil,
            "spec.kernel_size is 1e+300, over the limit of 1048576", .cannotApply
        ),
        (
            #"{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 3, "padding_mode": "reflect"}"#, nil,
            "spec has an unknown field 'padding_mode'; allowed fields are 'bias', 'dilation', 'groups', 'id', 'in_channels', 'kernel_size', 'name', 'out_channels', 'padding', 'stride', 'type'",
            .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 7}"#, [1, 5, 28],
            "spec: layer (the root) (conv2d) cannot take images of 5×28: kernel_size (7 dilated) is larger than the padded input's height (5)",
            .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 3, "out_channels": 6, "kernel_size": 3}"#, [1, 28, 28],
            "spec: layer (the root) (conv2d) expects 3 input channels but receives 1", .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 3}"#, [784],
            "spec: layer (the root) (conv2d) needs images [channels, height, width] per sample, got a sample of shape [784]", .badRequest
        ),
        (
            #"{"type": "conv2d", "in_channels": 1000, "out_channels": 1, "kernel_size": 300, "padding": 1000}"#, [1000, 1, 1],
            "spec: layer (the root) (conv2d) cannot take images of 1×1: kernel_size needs 153180000000 floats of im2col scratch per output row, over the limit of 67108864",
            .badRequest
        ),
        (#"{"type": "max_pool2d"}"#, nil, #"spec is a max_pool2d layer and needs "kernel_size""#, .badRequest),
        (
            #"{"type": "max_pool2d", "kernel_size": 2, "padding": 2}"#, nil,
            "spec.padding (2) must be at most half of kernel_size (2)", .badRequest
        ),
        (#"{"type": "max_pool2d", "kernel_size": 2, "stride": 0}"#, nil, "spec.stride must be a positive integer, got 0", .badRequest),
        (
            #"{"type": "max_pool2d", "kernel_size": 3}"#, [1, 2, 8],
            "spec: layer (the root) (max_pool2d) cannot take images of 2×8: kernel_size (3 dilated) is larger than the padded input's height (2)",
            .badRequest
        ),
        (
            #"{"type": "avg_pool2d", "kernel_size": 2, "dilation": 2}"#, nil,
            "spec has an unknown field 'dilation'; allowed fields are 'ceil_mode', 'count_include_pad', 'divisor_override', 'id', 'kernel_size', 'name', 'padding', 'stride', 'type'",
            .badRequest
        ),
        (
            #"{"type": "avg_pool2d", "kernel_size": 2, "divisor_override": 0}"#, nil,
            "spec.divisor_override must be a positive integer, got 0", .badRequest
        )
    ]

    @Test(arguments: refusals.indices)
    func refusesHostileSpecsNamingTheMember(_ i: Int) {
        let (spec, inputShape, message, category) = Self.refusals[i]
        let error = thrownError { _ = try Model(spec: json(spec), inputShape: inputShape) }
        #expect(error?.description == message)
        // A well-formed spec over a size limit is a 422: paramd will not hold it; anything
        // malformed is a 400.
        #expect(error?.category == category)
    }

    @Test func printsAsPyTorchPrints() throws {
        let spec = json(
            #"{"type": "sequential", "layers": [{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 5, "padding": 2}, {"type": "max_pool2d", "kernel_size": 2}, {"type": "conv2d", "in_channels": 6, "out_channels": 16, "kernel_size": [3, 5], "stride": [2, 1], "dilation": 2, "groups": 2, "bias": false}, {"type": "max_pool2d", "kernel_size": [3, 2], "stride": 1, "padding": 1, "ceil_mode": true}, {"type": "avg_pool2d", "kernel_size": 2}, {"type": "avg_pool2d", "kernel_size": 3, "stride": [2, 1], "padding": 1, "count_include_pad": false, "divisor_override": 3}]}"#
        )
        // print(nn.Sequential(...)) of the same arguments in PyTorch 2.13.
        #expect(
            try Model(spec: spec).describe() == """
                Sequential(
                  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
                  (1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
                  (2): Conv2d(6, 16, kernel_size=(3, 5), stride=(2, 1), dilation=(2, 2), groups=2, bias=False)
                  (3): MaxPool2d(kernel_size=[3, 2], stride=1, padding=1, dilation=1, ceil_mode=True)
                  (4): AvgPool2d(kernel_size=2, stride=2, padding=0)
                  (5): AvgPool2d(kernel_size=3, stride=[2, 1], padding=1)
                )
                """)
    }

    @Test func lenetShapesFollowFromTheInputShape() throws {
        let model = try Model(spec: lenetSpec, inputShape: [1, 28, 28])
        let parameters = try model.namedParameters()
        #expect(
            parameters.map(\.path) == [
                "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias", "11.weight", "11.bias"
            ])
        #expect(
            parameters.map(\.value.shape) == [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84], [10, 84], [10]])
        let y = try model.forward(Tensor(zeros: [2, 1, 28, 28])).output
        #expect(y.shape == [2, 10])
    }

    @Test func forwardRefusesInputsThatAreNotImageBatchesOfTheRightSize() throws {
        let model = try Model(spec: lenetSpec)
        let cases: [([Int], String)] = [
            (
                [2, 784],
                "layer 0 (conv2d) needs images [channels, height, width] per sample, got a sample of shape [784] (input shape [2, 784])"
            ),
            ([2, 3, 28, 28], "layer 0 (conv2d) expects 1 input channels but receives 3 (input shape [2, 3, 28, 28])"),
            (
                [1, 1, 8, 8],
                "layer 3 (conv2d) cannot take images of 4×4: kernel_size (5 dilated) is larger than the padded input's height (4) (input shape [1, 1, 8, 8])"
            )
        ]
        for (shape, message) in cases {
            let error = thrownError { _ = try model.forward(Tensor(zeros: shape)) }
            #expect(error?.description == message)
        }
    }

    @Test func specsRoundTripThroughTheirEncoding() throws {
        let spec = json(
            #"{"type": "sequential", "layers": [{"type": "conv2d", "in_channels": 2, "out_channels": 4, "kernel_size": [3, 1], "stride": 2, "padding": [1, 0], "dilation": 1, "groups": 2, "bias": false}, {"type": "max_pool2d", "kernel_size": 2, "stride": [1, 2], "dilation": 2, "ceil_mode": true}, {"type": "avg_pool2d", "kernel_size": [2, 2], "count_include_pad": false, "divisor_override": 5}]}"#
        )
        let model = try Model(spec: spec)
        let again = try Model(spec: model.specJSON)
        #expect(again.describe() == model.describe())
        #expect(again.specJSON == model.specJSON)
    }
}

let lenetSpec = json(
    #"{"type": "sequential", "layers": [{"type": "conv2d", "in_channels": 1, "out_channels": 6, "kernel_size": 5, "padding": 2}, {"type": "relu"}, {"type": "max_pool2d", "kernel_size": 2}, {"type": "conv2d", "in_channels": 6, "out_channels": 16, "kernel_size": 5}, {"type": "relu"}, {"type": "max_pool2d", "kernel_size": 2}, {"type": "flatten"}, {"type": "linear", "in": 400, "out": 120}, {"type": "relu"}, {"type": "linear", "in": 120, "out": 84}, {"type": "relu"}, {"type": "linear", "in": 84, "out": 10}]}"#
)
