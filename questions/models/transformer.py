import torch
import torch.nn as nn


class TransformerClassifier(nn.Module):
    """A one-layer Transformer encoder text classifier, as tutorials write it."""

    def __init__(self, vocab_size=1000, d_model=64, nhead=4, num_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, d_model)
        encoder_layer = nn.TransformerEncoderLayer(d_model=d_model, nhead=nhead,
                                                   dim_feedforward=128, batch_first=True)
        self.encoder = nn.TransformerEncoder(encoder_layer, num_layers=1)
        self.fc = nn.Linear(d_model, num_classes)

    def forward(self, x):
        x = self.embedding(x)
        x = self.encoder(x)
        x = x.mean(dim=1)
        return self.fc(x)
