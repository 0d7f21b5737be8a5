"""Ready-made detection functions built on torchvision models (needs `pip install "cvat-sdk[pytorch]"`).

Each module has `create(model_name, weights_name="DEFAULT", **kwargs)`; `weights_name=None`
builds the model with random weights (nothing is downloaded), for tests and fine-tuning.
"""
