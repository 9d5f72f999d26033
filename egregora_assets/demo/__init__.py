"""The demo WhatsApp export shipped with the package (see README.md here)."""

from pathlib import Path

DEMO_EXPORT: Path = Path(__file__).with_name("whatsapp-demo.zip")

# Every real name, phone number (in each format the export uses) and e-mail address in the
# demo; nothing published from it may contain any of these.
DEMO_REAL_NAMES: tuple[str, ...] = (
    "Mariana Costa",
    "João Pedro Alves",
    "Beatriz Nogueira",
    "Rafael Souza",
    "Camila Ribeiro",
    "Lucas Ferreira",
    "Thiago Martins",
    "Carlos Mendes",
    "+55 11 98765-4321",
    "5511987654321",
    "(11) 99123-4567",
    "+55 11 99123-4567",
    "5511991234567",
    "rafael.souza.trilhas@gmail.com",
    "carlos.mendes.guia@gmail.com",
)
