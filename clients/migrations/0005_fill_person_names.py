"""Fill the name index for people recorded before it existed."""

from typing import Any

from django.db import migrations

from clients import names


def fill(apps: Any, schema_editor: Any) -> None:
    Client = apps.get_model("clients", "Client")
    ClientAlias = apps.get_model("clients", "ClientAlias")
    PersonName = apps.get_model("clients", "PersonName")
    aliases: dict[int, list[str]] = {}
    for client_id, name in ClientAlias.objects.values_list("client_id", "name"):
        aliases.setdefault(client_id, []).append(name)
    rows = []
    people = Client.objects.values_list("pk", "first_name", "last_name", "known_as")
    for pk, first, last, known_as in people.iterator():
        named = [("first", first), ("last", last), ("known_as", known_as)]
        named += [("alias", alias) for alias in aliases.get(pk, [])]
        seen = set()
        for kind, text in named:
            for word in names.index_words(text):
                if (kind, word) in seen:
                    continue
                seen.add((kind, word))
                metaphone, nysiis = names.sounds(word)
                rows.append(
                    PersonName(
                        client_id=pk, kind=kind, normalised=word, metaphone=metaphone, nysiis=nysiis
                    )
                )
    PersonName.objects.bulk_create(rows, batch_size=5000)


def empty(apps: Any, schema_editor: Any) -> None:
    apps.get_model("clients", "PersonName").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_add_person_name")]

    operations = [migrations.RunPython(fill, empty)]
