"""The generator of the demo export: a pt-BR hiking group's Android WhatsApp chat, as a .zip.

Run `python -m egregora_assets.demo.make_demo`; the same code always writes the same bytes.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

GROUP = "Trilhas da Serra"
CHAT_NAME = f"Conversa do WhatsApp com {GROUP}.txt"
OUT = Path(__file__).with_name("whatsapp-demo.zip")
SEED = 2026_09

PEOPLE = {
    "mari": "Mariana Costa",
    "jp": "João Pedro Alves",
    "bia": "Beatriz Nogueira",
    "rafa": "Rafael Souza",
    "cami": "Camila Ribeiro",
    "lucas": "Lucas Ferreira",
    "thiago": "Thiago Martins",
    "fone": "+55 11 98765-4321",  # not in the exporting phone's contacts
}
# Android writes a mention of a saved contact between U+2068/U+2069, of a number as digits.
MENTIONS = {key: f"@\u2068{name}\u2069" for key, name in PEOPLE.items()} | {"fone": "@5511987654321"}

ENCRYPTION = (
    "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta e ficam "
    "somente entre você e os participantes desta conversa. Nem mesmo o WhatsApp pode ler ou "
    "ouvir o conteúdo delas. Toque para saber mais."
)

CONTACT_CARD = "Carlos Mendes.vcf"
VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Mendes;Carlos;;;\r\nFN:Carlos Mendes\r\n"
    "TEL;type=CELL;waid=5511991234567:+55 11 99123-4567\r\n"
    "EMAIL:carlos.mendes.guia@gmail.com\r\nEND:VCARD\r\n"
)

# Where each photo "was taken" (fake EXIF GPS, so metadata stripping can be tested).
PLACES = {
    "sunrise": (-23.1352, -46.5541),  # Pedra Grande, Atibaia
    "group": (-23.1349, -46.5537),
    "boots": (-23.5874, -46.6366),  # someone's home: the leak stripping must prevent
    "cleanup": (-23.4563, -46.7663),  # Pico do Jaraguá
}

# The chat, one day at a time. "@DD HH:MM" starts a day, "~HH:MM" jumps later in it,
# "key: text" is a message, "+ text" continues it on a new line, "! text" is a system line.
# In text, {key} is a full name, {@key} a mention, {img:scene} an attached photo and
# {oculta} media left out of the export.
SCRIPT = """
@01 19:02
! {cripto}
! {mari} criou o grupo "Trilhas da Serra"
! {mari} adicionou você
! {mari} adicionou {bia}
! {mari} adicionou {rafa}
! {mari} adicionou {cami}
! {mari} adicionou {thiago}
! {mari} mudou a descrição do grupo
mari: Oi, gente! Criei o grupo pra gente parar de combinar trilha no grupo da firma 😂
mari: A ideia: uma trilha a cada 2 ou 3 semanas, sempre com carona solidária e ninguém fica pra trás
bia: Aeee finalmente!!
jp: Boa! Já tô dentro
rafa: Opa, valeu por me adicionar
cami: 🙌🙌
thiago: Salve, pessoal
mari: Pra começar, pensei em algo leve pra esse domingo (6)
+ Opções:
+ 1. Pedra Grande, em Atibaia (uns 4 km ida e volta, dá pra ver o nascer do sol)
+ 2. Pico do Jaraguá (mais perto, mas lota)
+ 3. Trilha do Ouro, na Cantareira
bia: Voto na Pedra Grande! Nascer do sol lá é surreal
jp: Pedra Grande tb
rafa: Pico do Jaraguá domingo de manhã vira a 25 de Março kkkk
cami: Qual o nível da Pedra Grande? Tô meio parada desde o ano passado
mari: É tranquila, {@cami}. Subida de uns 40 min pela trilha, o resto é estrada de terra
mari: Quem é de primeira viagem sobe numa boa
cami: Então tô dentro
thiago: Eu vou ter que ver, domingo tenho almoço de família
jp: Pra pegar o nascer do sol tem que sair de SP umas 4h né
mari: Por aí. O sol nasce 5h50 mais ou menos
bia: 4h da manhã 😭 mas vale a pena
rafa: Eu tenho carro, levo 3 pessoas
jp: Eu também posso levar, no meu cabem 4
mari: Perfeito, dois carros resolvem
mari: Vou fazer uma planilha com quem vai em qual carro
cami: Precisa pagar entrada?
mari: Não, é área pública. Só o estacionamento lá em cima, uns 20 reais
bia: Aqui tem a descrição da trilha com mapa: https://www.wikiloc.com/trilhas-caminhada/pedra-grande-atibaia-trilha-do-cruzeiro-48213377
rafa: Valeu! 4,6 km e 380 m de desnível, de boa
jp: Sugestão: a gente divide combustível e pedágio entre quem for em cada carro
mari: Justo. Combinado então
thiago: Se eu conseguir escapar do almoço eu aviso até sexta
mari: Fechado! Amanhã mando a planilha
cami: Uma regra que eu sugiro: ninguém manda corrente nem política aqui kkkk
mari: Aprovadíssimo. Só trilha, foto de trilha e meme de trilha
jp: E figurinha de cachorro, que é universal
bia: Justo
rafa: Boa noite, trilheiros 🌙

@02 08:41
mari: Bom dia! Planilha das caronas: https://docs.google.com/spreadsheets/d/1xQ7tRlhAsDaSerRaCaronas2026/edit
mari: Coloquem o nome e de onde saem
bia: Coloquei! Saio da Vila Mariana
cami: Eu também, tô no Butantã
rafa: Se alguém for da zona oeste eu passo no caminho, saio de Pinheiros
cami: Perfeito, vou com vc então
~12:15
! +55 11 98765-4321 entrou usando o link de convite deste grupo
fone: Oi pessoal, sou colega da {@bia} do trabalho, ela me passou o link
fone: Posso ir domingo tb? Não tenho carro mas racho a gasolina
bia: Eba, veio! Pessoal, ele é gente boa e já fez o Caminho da Fé inteiro
mari: Bem-vindo! Claro que pode, tem vaga no carro do {@jp}
jp: Tem sim, passo na Paulista às 4h, serve?
fone: Serve demais, valeu
fone: Aliás, alguém sabe se dá pra parar o carro lá em cima ou tem que deixar embaixo?
jp: Dá pra subir de carro até o estacionamento, a estrada é de terra mas passa carro baixo
fone: Ótimo
~21:30
rafa: Galera, alguém tem lanterna de cabeça sobrando? A minha sumiu na mudança
cami: Tenho duas, levo uma pra vc
rafa: Salvou 🙏

@03 13:07
thiago: Confirmado: não consigo domingo, almoço da minha avó. Próxima eu vou!
mari: Poxa! Fica pra próxima 😉

@04 18:20
mari: Previsão pra domingo em Atibaia: céu limpo, 11 graus às 5h 🥶 https://www.climatempo.com.br/previsao-do-tempo/cidade/1053/atibaia-sp
bia: 11 graus!! Vou de segunda pele
jp: Lá em cima venta muito também
mari: Checklist pra quem nunca foi:
+ - lanterna de cabeça (a trilha é no escuro)
+ - agasalho corta-vento
+ - 1,5 L de água
+ - lanche (tem barraquinha lá em cima, mas abre tarde)
+ - tênis com sola boa, a pedra escorrega com orvalho
+ - protetor solar pra descida
cami: Anotado! Posso ir de tênis de corrida?
rafa: Pode, mas cuidado na parte da rocha
jp: Eu subi de tênis de corrida ano passado e escorreguei bonito kkkk
cami: 😬 vou de bota então, tenho uma velha aqui
fone: Alguém sabe se tem banheiro lá em cima?
mari: Tem um banheiro químico no estacionamento, mas não conta muito com ele
fone: Kkkkk entendi o recado
bia: Vou levar garrafa térmica com café pra geral ☕
jp: {@bia} sendo a melhor pessoa do grupo mais uma vez
bia: 🥰
fone: Eu levo pão de queijo congelado que eu asso às 3h kkk
rafa: Esse grupo vai dar certo

@05 20:10
mari: Pessoal, lembrete: saída 4h em ponto
+ Carro do {@rafa}: eu, {@cami} e {@bia}
+ Carro do {@jp}: {@fone}
jp: Fechado, 4h na Paulista, em frente ao MASP
fone: 👍
rafa: Vou abastecer hoje à noite pra não perder tempo
cami: Tô colocando 3 despertadores
bia: Café passado às 3h30, aguardem
mari: Quem se atrasar paga o pão de queijo da volta 😂
rafa: Kkkkkk regra aprovada
~22:47
rafa: {@cami} não esquece a lanterna que vc ia me emprestar 🙏
cami: Já tá na mochila!

@06 03:52
jp: Acordado. Saindo em 10
bia: Café pronto ☕
rafa: Tô indo buscar o pessoal
~04:09
jp: Cheguei no MASP
fone: Desço em 2 min
~04:55
rafa: Pedágio de Atibaia passado, chegamos em uns 20 min
~05:21
mari: Estacionamos. Tá frio demais kkkk
jp: Chegamos também, tô vendo vcs
~05:24
cami: Lanterna ligada, bora
~06:02
bia: {img:sunrise}
bia: GENTE OLHA ISSO
fone: Que vista! Valeu cada minuto de sono perdido
mari: Deu tempo certinho, o sol tá saindo agora
cami: Eu quase morri na última parte mas tô viva e feliz 😅
rafa: Vc subiu muito bem, {@cami}!
jp: Alguém tira foto do grupo?
~06:20
mari: {img:group}
mari: Foto oficial da primeira trilha do grupo 🥾
bia: Ficou linda
bia: Dá pra ver a Pedra do Coração daqui?
jp: Dá sim, é aquela formação à esquerda
fone: localização: https://maps.google.com/?q=-23.1352,-46.5541
fone: Pra quem quiser marcar o ponto exato do mirante
~06:48
cami: Descendo. O café da {@bia} salvou minha vida
bia: ❤️
~08:15
rafa: Paramos na padaria da estrada, alguém quer alguma coisa?
jp: Já estamos na Fernão Dias, vamos direto
fone: {oculta}
fone: Áudio de agradecimento pra todo mundo kkk
~14:30
mari: Balanço do dia:
+ 6 pessoas, 2 carros, 0 atrasos (milagre)
+ Subida: 38 min
+ Gasolina + pedágio: R$ 96 por carro
+
+ Próxima: vamos pensar em algo mais puxado?
jp: Pix pra quem? Manda a chave
rafa: Amanhã eu mando a chave aqui
fone: Eu topo algo mais puxado!
cami: Eu vou precisar de uns dias pra minhas panturrilhas se recuperarem kkkk
bia: Eu sonho com a travessia Petrópolis–Teresópolis faz anos
mari: Ih, essa é coisa séria, 3 dias de travessia. Mas dá pra planejar pra outubro
rafa: Eu fiz em 2023, posso ajudar no roteiro
bia: SIM POR FAVOR
mari: Vamos amadurecer a ideia. Essa semana a gente conversa
~21:05
cami: Tô com duas bolhas no calcanhar. A bota velha não perdoou 🥲
jp: Clássico. Bota que fica parada muito tempo endurece
rafa: Coloca curativo de bolha e deixa respirar
cami: Vou ter que comprar bota nova pelo visto
bia: Depois a gente te ajuda a escolher, tem gente aqui que entende muito de bota
mari: Abre uma enquete: quem acordou com dor na perna levanta a mão 🙋‍♀️
jp: 🙋‍♂️
fone: 🙋‍♂️
rafa: Nem doeu. Mentira, doeu sim

@07 10:12
bia: Feriadão de preguiça depois de acordar 3h30 kkkk
mari: {oculta}
mari: Mais uma do nascer do sol, essa eu não tinha mandado
jp: Essa ficou de quadro
fone: Subi o percurso no Strava: https://www.strava.com/activities/12873455021
rafa: Boa! 4,4 km, pouco mais de 2h com as paradas
~16:40
rafa: Chave pix: rafael.souza.trilhas@gmail.com
+ R$ 32 por pessoa no meu carro, R$ 48 no do {@jp}
jp: Pago!
mari: Paguei tb
cami: Feito ✅
bia: Mandei, confere aí
rafa: Tudo certo, valeu galera
~19:02
thiago: Vi as fotos, que inveja. Próxima eu vou sem falta
mari: Tá intimado, {@thiago}!
thiago: Pode me cobrar
bia: Já anotei na planilha com caneta vermelha kkk

@09 19:30
cami: Gente, me ajudem: qual bota comprar? Orçamento de uns R$ 500
cami: Quero algo que sirva pra trilha de um dia e talvez pra travessia
jp: Cano médio ou alto, pra travessia com mochila pesada o tornozelo agradece
rafa: Discordo um pouco. Cano alto pesa e esquenta. Eu vou de cano médio
bia: Eu uso essa há 3 anos e amo: https://www.decathlon.com.br/bota-de-trilha-impermeavel-cano-medio-mh500/p
jp: A MH500 é boa pelo preço. Só acho a sola meio dura no começo
cami: Impermeável faz diferença mesmo?
mari: Na Serra dos Órgãos faz. Chove do nada e tem travessia de rio
rafa: Mas impermeável também segura suor. No verão fica um forno
fone: Tenho uma Salomon há 5 anos, tá inteira ainda. Mais cara mas compensa
fone: https://www.salomon.com/pt-br/shop/x-ultra-4-mid-gore-tex
cami: Essa passa do meu orçamento kkkk
fone: Na Black Friday costuma cair bastante
jp: Dica importante: compre no fim da tarde, o pé incha ao longo do dia
bia: E experimente com a meia que vc vai usar na trilha
cami: Não sabia disso!
mari: E amacia antes! Nada de estrear bota na travessia
rafa: Anda uns 20, 30 km com ela no dia a dia antes
cami: Anotado
jp: Falando em meia: meia de lã merino muda a vida. Não dá bolha e não fede
bia: Confirmo, e tem umas nacionais baratinhas
cami: Vou ver essa também
mari: Outra coisa: cadarço. Tem um jeito de amarrar que segura o calcanhar e evita bolha
mari: Esse vídeo explica bem: https://www.youtube.com/watch?v=8pT3kQzN0aY
rafa: O nó de travar o calcanhar! Uso sempre
cami: Vcs são demais. Vou amanhã na Decathlon do Morumbi
~21:10
thiago: Entrando atrasado na conversa: evitem bota muito barata de marketplace, comprei uma e descolou a sola na segunda trilha
jp: Clássico também kkkk
cami: Ok, nada de marketplace
fone: E palmilha! A que vem na bota geralmente é ruim
rafa: Verdade, troquei a minha por uma de gel e melhorou muito
cami: Palmilha anotada também. A lista só cresce kkkk
~21:44
cami: Última dúvida: numeração igual à do tênis ou maior?
mari: Meio número a mais costuma ser melhor. Na descida o pé vai pra frente
jp: Isso, se o dedão bater na frente na descida vc perde a unha
cami: 😱 meio número a mais, anotado
bia: E corta a unha do pé uns dias antes da trilha, não na véspera
cami: Quanta sabedoria nesse grupo
mari: Anos de bolhas, {@cami}. Anos de bolhas 😂

@10 18:55
cami: {img:boots}
cami: Comprei! MH500, meio número a mais. Já tô amaciando em casa

@12 11:03
! {mari} adicionou {lucas}
mari: Pessoal, esse é o {@lucas}, meu primo. Faz escalada e tá querendo voltar pras trilhas
lucas: Opa, fala galera! Valeu pelo convite
bia: Bem-vindo!!
jp: Salve! Escalada onde?
lucas: Mais em São Bento do Sapucaí, na Pedra do Baú. Mas faz uns 2 anos que tô parado
rafa: Pedra do Baú é top. Um dia a gente podia fazer a trilha de lá
lucas: Bora! Conheço bem a região
cami: Escalada sempre me deu medo. É muito difícil começar?
lucas: Começar na academia de escalada é bem tranquilo, tudo com corda e instrutor
lucas: Se quiser, um dia vamos juntos numa academia aqui em SP
cami: Vou cobrar!
mari: Ele é paciente, pode confiar

@13 09:20
fone: Alguém viu que vai ter chuva forte na serra essa semana?
rafa: Vi sim, melhor ninguém marcar nada até quarta

@14 12:40
bia: Viram essa? Trilheiro ficou perdido dois dias na Serra do Mar, acharam ontem https://g1.globo.com/sp/vale-do-paraiba-regiao/noticia/2026/09/13/trilheiro-perdido-na-serra-do-mar-e-resgatado.ghtml
jp: Caramba. Ainda bem que acharam
rafa: Li aqui. Ele saiu da trilha pra pegar um atalho e o celular ficou sem sinal
mari: Isso me fez pensar que a gente precisa de umas regras de segurança no grupo
mari: Principalmente agora que tá pintando a travessia
bia: Concordo 100%
lucas: Na escalada a gente é bem chato com isso. Posso ajudar
mari: Rascunho, pra vocês criticarem:
+ 1. Ninguém anda sozinho, sempre em dupla
+ 2. O último da fila é sempre alguém experiente
+ 3. Todo mundo com o mapa offline baixado
+ 4. Apito no peito da mochila
+ 5. Alguém fora da trilha sabe o roteiro e o horário de volta
jp: Assino embaixo. Acrescentaria: se se perder, para e fica parado
lucas: Isso é o mais importante. A maioria dos casos piora porque a pessoa continua andando
cami: Que app vcs usam pra mapa offline?
rafa: Wikiloc, mas precisa da versão paga pra baixar o mapa
fone: Eu uso o Organic Maps, é de graça e funciona bem offline: https://organicmaps.app/pt-br/
bia: Vou baixar
cami: Eu nem sabia que dava pra usar GPS sem sinal
lucas: O GPS funciona sem internet, o que precisa é o mapa já baixado
mari: Boa explicação, {@lucas}
jp: E powerbank! Celular com GPS ligado morre rápido
rafa: Modo avião + GPS ligado economiza bastante
bia: E anota o 193 dos bombeiros, funciona mesmo sem crédito
~13:25
fone: Outra coisa: curso de primeiros socorros. Alguém já fez?
lucas: Fiz o de socorro em áreas remotas, muito bom. Vou ver se tem turma
mari: Seria ótimo fazer em grupo
bia: Eu topo!
cami: Eu também
~18:02
lucas: Achei. O guia que deu o meu curso é esse aqui
lucas: Carlos Mendes.vcf (arquivo anexado)
lucas: O telefone dele é (11) 99123-4567 e o e-mail carlos.mendes.guia@gmail.com
lucas: Ele faz turma fechada pra grupo a partir de 6 pessoas, 8 horas de curso num sábado
mari: Perfeito, vou falar com ele
jp: Quanto custa mais ou menos?
lucas: Na minha época foi R$ 280 por pessoa, com certificado
rafa: Vale cada centavo
bia: Bora fechar pra outubro então
mari: Vou montar a lista de interessados. Por enquanto: eu, {@bia}, {@cami}, {@jp}
fone: Me coloca também
rafa: E eu
mari: Fechou, 6 pessoas. Já dá turma
~21:30
jp: Acabei de comprar apito, R$ 15. Não tem desculpa kkkk
lucas: Fox 40, o clássico? Esse escuta de longe
jp: Esse mesmo
mari: Vou fixar as regras na descrição do grupo
! {mari} mudou a descrição do grupo

@15 09:12
mari: Falei com o guia, ele tem data dia 17 de outubro
mari: Vou confirmar se o pessoal topa e fecho
bia: Pra mim serve
cami: Serve!
rafa: 👍
jp: Pra mim também serve, só chego um pouco depois das 8h
mari: Sem problema, aviso ele
fone: Eu confirmo semana que vem

@17 19:40
bia: Gente, sábado é o Dia Mundial da Limpeza. Tem um mutirão no Pico do Jaraguá, alguém topa?
bia: https://www.worldcleanupday.org/
cami: Ahh que legal, topo!
jp: Qual horário?
bia: Começa 8h, concentração na entrada do parque. Eles dão luva e saco
rafa: Vou tentar, sábado de manhã tenho futebol
lucas: Eu vou! Levo meu sobrinho
mari: Tô dentro. A gente pode fazer isso virar tradição do grupo
fone: Eu consigo chegar 9h, tudo bem?
bia: Tranquilo, vai até meio-dia
thiago: Não vou conseguir, mas apoio demais a ideia
jp: Levo minha pinça de lixo, comprei pra praia ano passado
bia: Pessoal, levem garrafinha de água reutilizável, eles não vão distribuir copo
cami: Boa
lucas: Protetor e boné também, o sol lá em cima é forte
jp: Dá pra ir de metrô e ônibus? Meu carro vai pra revisão
bia: Dá, linha 7 até a estação Vila Aurora e depois um ônibus. Mas de carona é mais fácil
lucas: Passo aí e te pego, {@jp}
jp: Valeu!

@18 12:02
mari: Previsão pra sábado: sol com nuvens, sem chuva 🙏

@19 07:48
bia: Chegando!
cami: Já tô aqui na entrada, de camiseta verde
lucas: Estacionando
~08:05
mari: Tem muita gente! Uns 60 voluntários
~10:30
jp: Parcial da nossa equipe: 9 sacos 😳
fone: Achei uma cadeira de praia no meio do mato. Como?????
lucas: Kkkkkkk
bia: O que mais tem é bituca de cigarro e tampinha
~11:50
cami: {img:cleanup}
cami: Nosso saldo: 14 sacos, 1 cadeira de praia e uma calota de carro
mari: Orgulho desse grupo ❤️
rafa: Saí do futebol e não deu tempo de chegar, foi mal galera. Ficou incrível
lucas: Meu sobrinho disse que quer vir todo ano
jp: O pessoal da organização deu uma medalha de papelão pra criançada
lucas: Ele não tira do pescoço kkkk
fone: Quanto lixo num lugar tão bonito, dá até raiva
bia: Por isso que vale fazer. Se cada um leva o seu de volta, não precisa mutirão
~12:30
fone: {oculta}
fone: Figurinha oficial do mutirão kkk
bia: Kkkkkk amei
~20:15
mari: O parque postou o resultado: 1,2 tonelada de lixo recolhida no total https://www.instagram.com/p/Cx9TrLhaJrg/
jp: Caramba
cami: Que orgulho de ter ajudado
bia: Bora fazer mutirão também na Pedra Grande? A gente viu muito lixo lá no domingo
mari: Ótima ideia, coloco na lista de próximos
lucas: Dá pra pedir apoio da prefeitura de Atibaia, eles emprestam caçamba

@20 10:02
lucas: Alguém com dor nas costas de ficar agachado ontem? Kkkk
cami: Eu! Mas valeu a pena
jp: Lombar destruída, alma lavada

@21 08:30
thiago: Pessoal, vou sair do grupo por enquanto. Mudei de cidade a trabalho e não vou conseguir acompanhar as trilhas. Boas caminhadas!
mari: Poxa, boa sorte na mudança! Qualquer coisa volta
bia: Sucesso!! Vai fazer falta
! {thiago} saiu
jp: 👋

@22 19:05
bia: Bora falar da travessia? 👀
rafa: Bora! Vou jogar umas informações aqui
rafa: Travessia Petrópolis–Teresópolis:
+ - uns 30 km no total
+ - 3 dias, 2 noites
+ - dorme no Castelos do Açu e no Abrigo 4, perto da Pedra do Sino
+ - o trecho mais punk é o Elevador, no segundo dia
+ - precisa reservar o pernoite com antecedência no site do parque
rafa: Site oficial do parque: https://www.icmbio.gov.br/parnaserradosorgaos/
mari: Pensei no feriado de 12 de outubro. Sábado 10, domingo 11 e segunda 12
jp: Feriado é bom mas lota, né?
rafa: Lota. Por isso tem que reservar essa semana ainda, as vagas de feriado acabam rápido
bia: Então bora decidir hoje quem vai!
cami: Eu quero muito, mas tô com medo de não aguentar. Nunca fiz mais de 10 km num dia
lucas: O primeiro dia é o mais cansativo, é subida quase o tempo todo. Mas em ritmo de grupo dá
rafa: E dá pra contratar carregador pra levar parte do peso
cami: Isso me anima
mari: Gente, lista provisória:
+ 1. eu
+ 2. {@bia}
+ 3. {@rafa}
+ 4. {@lucas}
+ 5. {@cami} (talvez)
jp: Me coloca! Já tô pedindo folga da segunda
fone: Eu quero também, mas preciso confirmar o trabalho. Até quinta falo
mari: Combinado, {@fone}
~19:48
jp: E o custo? Alguém tem uma noção?
rafa: Fiz uma conta rápida, por pessoa:
+ Ônibus SP–Petrópolis: R$ 140
+ Ônibus Teresópolis–SP: R$ 150
+ Ingresso do parque, 3 dias: R$ 90
+ Pernoite nos abrigos, 2 noites: R$ 160
+ Comida: uns R$ 120
+ Total: uns R$ 660
bia: Menos do que eu imaginava
lucas: Dá pra economizar indo de carro e alguém buscando em Teresópolis
jp: Mas aí alguém tem que dirigir 2x o trecho, melhor ônibus
mari: Concordo, ônibus é mais simples
cami: E equipamento? Não tenho saco de dormir
lucas: Tenho um sobrando, empresto. Conforto até 5 graus
rafa: Lá em cima faz 2, 3 graus de madrugada em outubro. Leva segunda pele
bia: Fogareiro eu tenho, e panelinha
jp: Tenho barraca pra 2, mas se dormir no abrigo nem precisa né
rafa: Não precisa. Abrigo tem colchonete. Mas leva saco de dormir
mari: Vou fazer uma lista de equipamento coletivo na planilha
~20:35
bia: Uma dúvida: e se chover?
rafa: Se a previsão for de tempestade, o parque pode fechar o trecho. Aí a gente faz bate-volta da Pedra do Sino por Teresópolis
lucas: Importante: a parte do Elevador com chuva é bem perigosa
mari: Então regra: a gente decide dia 8 olhando a previsão. Se for ruim, plano B
jp: Fechado
cami: Adorei que tem plano B
fone: E celular? Tem sinal no caminho?
rafa: Quase nada. No Açu às vezes pega, no Abrigo 4 pega no alto do Sino
lucas: Por isso o mapa offline que a gente falou semana passada
~21:12
mari: Resumo do que a gente decidiu hoje:
+ - Travessia Petrópolis–Teresópolis de 10 a 12 de outubro
+ - Transporte de ônibus, custo estimado R$ 660 por pessoa
+ - {@rafa} faz a reserva dos abrigos até sexta
+ - Decisão final sobre o tempo no dia 8
+ - Curso de primeiros socorros dia 17, depois da travessia
+ Alguém quer acrescentar algo?
rafa: Só que todo mundo precisa me mandar nome completo e documento pra reserva
rafa: Manda no privado, não aqui no grupo
lucas: 👍
bia: Tô muito animada
cami: Eu também, e com medo kkkk
jp: Vai dar tudo certo, {@cami}. A gente vai no seu ritmo

@23 12:30
rafa: Reserva feita! 6 vagas nos dois abrigos 🎉
bia: AEEEE
jp: Rápido hein
rafa: Tinha só 9 vagas sobrando pro sábado, foi na hora certa
rafa: O ingresso se compra online, cada um compra o seu: https://www.recreio.icmbio.gov.br/parnaso
cami: Comprado!
mari: Comprei o meu tb
lucas: Feito
~18:14
fone: Confirmado do trabalho, vou na travessia! <Mensagem editada>
rafa: Eita, agora são 7. Vou tentar mais uma vaga
fone: Se não der eu levo barraca e acampo na área de camping
~19:40
rafa: Consegui! Uma desistência no Abrigo 4
fone: Sorte grande 🍀
mari: 7 confirmados! Atualizei a planilha
bia: Quem ainda não mandou o documento pro {@rafa}, manda hoje
cami: Mandei agora
jp: Eu também
lucas: Mandei ontem

@25 17:22
jp: Esta mensagem foi apagada
jp: Mandei no grupo errado kkkk
bia: Kkkkkk agora fiquei curiosa
mari: Pessoal, o que acham de um treino no domingo pra travessia? Núcleo Pedra Grande da Cantareira, uns 10 km com mochila carregada
cami: Preciso muito desse treino
lucas: Bora, é ótimo pra testar a mochila
rafa: Eu vou, quero testar o peso da barraca também
fone: Tô dentro
bia: Eu também
~19:02
jp: Que horas?
mari: 7h30 na portaria, pra fugir do calor
jp: Fechado
cami: Vou levar a mochila cheia de garrafa d'água pra simular o peso kkk
lucas: É exatamente o que eu faço, funciona

@26 21:00
lucas: Indicação pra noite de sábado: um documentário sobre a Serra dos Órgãos https://www.youtube.com/watch?v=Qm3Xv7RtS2c
cami: Vou ver agora!
bia: Já vi, é lindo. O Dedo de Deus aparece num drone 😍
jp: Coloquei pra ver amanhã depois do treino
mari: Lembrete: treino amanhã, 7h30 na portaria do Núcleo Pedra Grande. Mochila com uns 8 kg
rafa: 8 kg é o peso que vamos levar?
mari: Mais ou menos. Com água e comida de 3 dias deve dar uns 9, 10
rafa: Então vou colocar 9 pra já acostumar
cami: Socorro kkkk
bia: Vai dar bom, {@cami}
fone: Vou de 10 só pra sofrer mais

@27 07:25
cami: Cheguei cedo pela primeira vez na vida kkkk
lucas: Histórico!
~07:40
mari: Todo mundo aqui. Bora
~09:55
rafa: Metade do caminho. A mochila de 8 kg tá pesando mais do que eu lembrava
bia: Meus ombros 😩
lucas: Ajusta a barrigueira, {@bia}. O peso tem que ficar no quadril, não no ombro
bia: Nossa, mudou tudo! Valeu
~11:40
jp: {oculta}
jp: Galera no mirante da Pedra Grande da Cantareira, 10,2 km
cami: Eu fiz!!! Sem bolha nenhuma, a bota nova tá amaciada
mari: Arrasou, {@cami}! Tá pronta pra travessia
fone: Média de 3,1 km/h com mochila, tá ótimo
rafa: No primeiro dia da travessia a gente faz uns 2 km/h por causa da subida, então tá tranquilo
~15:20
mari: Aprendizados do treino de hoje:
+ 1. Barrigueira ajustada faz toda a diferença
+ 2. Precisamos de mais água: todo mundo acabou com a garrafa antes do km 8
+ 3. Bastões de caminhada ajudam muito na descida
+ 4. Lanche salgado > lanche doce
lucas: Sobre água: na travessia tem pontos de água, mas leva pastilha de purificação
rafa: Tem água no Ajax e no Açu, com pastilha tá seguro
jp: Alguém tem bastão pra emprestar? Só tenho um
bia: Tenho um par que não uso, te empresto
jp: Valeu!
cami: E o lanche salgado, sugestões?
fone: Castanha, amendoim, queijo duro e biscoito de polvilho
lucas: E paçoca, que é doce mas tem sal kkkk
~19:30
mari: Divisão da comida coletiva da travessia:
+ - {@bia}: fogareiro, gás e café
+ - {@rafa}: macarrão e molho pras duas noites
+ - {@jp}: pão, queijo e frios pro café da manhã
+ - {@lucas}: castanhas, chocolate e frutas secas
+ - {@cami}: sopas instantâneas
+ - {@fone}: kit de primeiros socorros coletivo
+ - eu: pastilhas de purificação e papel higiênico kkk
fone: Fechado, monto o kit
cami: Sopinhas garantidas
lucas: Faltam 13 dias! 🏔️
bia: Mal posso esperar
rafa: Vai ser épico
~21:40
jp: Vi o documentário agora. O Elevador dá medo só de olhar
lucas: Pessoalmente é mais tranquilo do que parece no vídeo, tem corrente e degrau
cami: Vou fingir que acredito
mari: Boa noite, gente. Que mês! Obrigada por fazerem esse grupo acontecer ❤️
bia: ❤️❤️
fone: 🙏
rafa: Tamo junto
lucas: Boa noite!
"""

_TOKEN = re.compile(r"\{(@?)(\w+)(?::(\w+))?\}")
_TIME = re.compile(r"(\d\d):(\d\d)")


def _stamp(moment: datetime) -> str:
    """Android's pt-BR timestamp prefix."""
    return moment.strftime("%d/%m/%Y %H:%M - ")


class _Chat:
    """The export being written: its lines, clock and attached photos."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines: list[str] = []
        self.photos: dict[str, tuple[str, datetime]] = {}  # member -> (scene, sent at)
        self.clock = datetime(2026, 9, 1)

    def expand(self, text: str) -> str:
        """Text with {key}, {@key}, {img:scene} and {oculta} filled in."""
        def fill(match: re.Match) -> str:
            at, key, scene = match.groups()
            if key == "img":
                day = f"IMG-{self.clock:%Y%m%d}-WA"
                name = f"{day}{sum(n.startswith(day) for n in self.photos):04d}.jpg"
                self.photos[name] = (scene, self.clock)
                return f"{name} (arquivo anexado)"
            if key in ("oculta", "cripto"):
                return "<Mídia oculta>" if key == "oculta" else ENCRYPTION
            return MENTIONS[key] if at else PEOPLE[key]

        return _TOKEN.sub(fill, text)

    def set_time(self, day: int | None, hhmm: str) -> None:
        hour, minute = map(int, _TIME.fullmatch(hhmm).groups())
        base = self.clock if day is None else datetime(2026, 9, day)
        # "~HH:MM" means "not before": a burst that ran long simply carries on.
        self.clock = max(self.clock, base.replace(hour=hour, minute=minute))

    def add(self, author: str | None, text: str) -> None:
        """Write one message (or system line) and let a little time pass."""
        prefix = _stamp(self.clock) + (f"{PEOPLE[author]}: " if author else "")
        self.lines.append(prefix + self.expand(text))
        # Replies come in quick bursts with the odd pause, as in a real chat.
        step = timedelta(minutes=self.rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4, 6)))
        if (self.clock + step).day != self.clock.day:
            raise ValueError(f"script runs past midnight on {self.clock:%d/%m}")
        self.clock += step


def render_chat(
    script: str = SCRIPT, seed: int = SEED
) -> tuple[str, dict[str, tuple[str, datetime]]]:
    """The chat .txt of `script`, and the photos it attaches (member -> scene and time)."""
    chat = _Chat(random.Random(seed))
    for line in script.strip().splitlines():
        if not line.strip():
            continue
        if line.startswith("@"):
            day, hhmm = line[1:].split()
            chat.set_time(int(day), hhmm)
        elif line.startswith("~"):
            chat.set_time(None, line[1:])
        elif line.startswith("+"):
            chat.lines[-1] += "\n" + chat.expand(line[2:])
        elif line.startswith("! "):
            chat.add(None, line[2:])
        else:
            key, text = line.split(": ", 1)
            chat.add(key, text)
    return "\n".join(chat.lines) + "\n", chat.photos


def _gps(lat: float, lon: float) -> dict[int, object]:
    """An EXIF GPS IFD for a position in decimal degrees."""
    def dms(value: float) -> tuple[float, float, float]:
        degrees, minutes = divmod(abs(value) * 60, 60)
        return (float(int(degrees)), float(int(minutes)), round(minutes % 1 * 60, 2))

    return {1: "S" if lat < 0 else "N", 2: dms(lat), 3: "W" if lon < 0 else "E", 4: dms(lon)}


def _draw(scene: str, image: Image.Image) -> None:
    """Paint a few flat shapes suggesting the scene."""
    pen = ImageDraw.Draw(image)
    if scene in ("sunrise", "group"):
        pen.rectangle((0, 0, 320, 240), fill=(250, 170, 90) if scene == "sunrise" else (120, 180, 230))
        pen.ellipse((130, 90, 190, 150), fill=(255, 220, 120))
        pen.polygon([(0, 240), (0, 150), (90, 90), (170, 160), (250, 110), (320, 170), (320, 240)],
                    fill=(60, 90, 70))  # fmt: skip
        if scene == "group":  # six hikers on the rock
            for i in range(6):
                pen.ellipse((70 + 30 * i, 170, 86 + 30 * i, 186), fill=(240, 200, 160))
                pen.rectangle((72 + 30 * i, 186, 84 + 30 * i, 220), fill=(200, 60 + 30 * i, 60))
    elif scene == "boots":
        pen.rectangle((0, 0, 320, 240), fill=(225, 215, 200))
        for x in (60, 180):
            pen.rectangle((x, 70, x + 50, 170), fill=(110, 80, 50))
            pen.rectangle((x, 150, x + 90, 185), fill=(90, 60, 40))
    else:  # cleanup: full rubbish bags on the grass
        pen.rectangle((0, 0, 320, 240), fill=(110, 170, 90))
        for i in range(7):
            pen.ellipse((20 + 40 * i, 120 + 10 * (i % 2), 70 + 40 * i, 190), fill=(30, 30, 35))


def make_photo(scene: str, taken: datetime) -> bytes:
    """A small JPEG of `scene`, with camera and GPS EXIF as a phone would write it."""
    image = Image.new("RGB", (320, 240), (200, 200, 200))
    _draw(scene, image)
    exif = Image.Exif()
    exif[0x010F] = "samsung"  # Make
    exif[0x0110] = "SM-A546E"  # Model
    exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTime
    exif[0x8825] = _gps(*PLACES[scene])  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60, exif=exif)
    return out.getvalue()


def _member(zf: zipfile.ZipFile, name: str, data: bytes, when: datetime) -> None:
    """Add one member with fixed metadata, so the archive's bytes never vary."""
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def build_demo(out: Path = OUT) -> Path:
    """Write the demo export zip to `out` and return it."""
    text, photos = render_chat()
    exported = datetime(2026, 9, 27, 22, 10)
    with zipfile.ZipFile(out, "w") as zf:
        _member(zf, CHAT_NAME, text.encode("utf-8"), exported)
        for name, (scene, sent) in photos.items():
            taken = sent - timedelta(minutes=1)  # shot just before it was sent
            _member(zf, name, make_photo(scene, taken), sent)
        _member(zf, CONTACT_CARD, VCARD.encode("utf-8"), datetime(2026, 9, 14, 18, 10))
    return out


if __name__ == "__main__":
    path = build_demo()
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
